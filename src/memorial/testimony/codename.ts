import { randomInt } from "node:crypto";

/**
 * Codenames for follow-up: two plain words and a number, easy to write on
 * paper and to say over a phone. A codename is a handle, not a secret: the
 * secret shown beside it is what opens replies.
 */
const ADJECTIVES = [
  "amber", "azure", "bright", "calm", "cedar", "clear", "coral", "crimson", "dawn", "deep", "distant", "early", "evening", "faithful", "gentle", "golden",
  "green", "grey", "hidden", "high", "ivory", "jade", "kind", "late", "light", "lone", "loyal", "mild", "misty", "morning", "narrow", "noble",
  "north", "olive", "open", "pale", "patient", "quiet", "rainy", "red", "river", "rose", "round", "ruby", "sandy", "silent", "silver", "slow",
  "snowy", "soft", "south", "spring", "steady", "still", "stone", "summer", "sunny", "swift", "tall", "tender", "warm", "west", "white", "winter",
];
const NOUNS = [
  "almond", "anchor", "apple", "arch", "bird", "bridge", "brook", "candle", "cloud", "comet", "cypress", "desert", "dove", "field", "fig", "flame",
  "forest", "garden", "gate", "harbor", "hill", "island", "lamp", "lantern", "leaf", "lily", "meadow", "moon", "mountain", "nightingale", "oak", "orchard",
  "path", "pearl", "pine", "plane", "poplar", "pomegranate", "rain", "reed", "ridge", "river", "rose", "sail", "shore", "sky", "spring", "star",
  "stone", "stream", "sun", "swallow", "thread", "tulip", "valley", "violet", "walnut", "water", "wave", "well", "willow", "wind", "window", "wing",
];

export function newCodename(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(10, 100)}`;
}

/** Whether text looks like a codename (what the follow-up form accepts). */
export function isCodename(s: string): boolean {
  return /^[a-z]{2,20}-[a-z]{2,20}-\d{2}$/.test(s.trim().toLowerCase());
}
