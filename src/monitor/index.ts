/**
 * Monitoring and early warning: detection (labels with reasons), extraction
 * (entities with offsets), language identification, feeds and polling,
 * triage into sourced records, trends, watchlist and alerts, and the staff
 * pages and API routes for all of it. Code outside this folder imports only this file.
 */
export { LABELS, isLabel, loadLexicon, type Label, type Lexicon } from "./lexicon.ts";
export { identifyLanguage, type Lang, type LanguageGuess } from "./language.ts";
export { normaliseMapped, originalSpan, type MappedText } from "./normalise.ts";
export { detect, makeDetector, DEFAULT_THRESHOLDS, type Detector, type DetectionResult, type LabelReason, type RuleMatch, type SuppressedMatch, type Thresholds, type Field } from "./detect.ts";
export { extractEntities, type Entity, type EntityType } from "./extract.ts";
export { trainClassifier, classify as classifierScores, type ClassifierModel } from "./classifier.ts";
export { loadLabelledSet, defaultModel, type LabelledExample } from "./labelled.ts";
export { evaluate, crossValidate, type LabelFigures } from "./evaluate.ts";
export { classifyItem, defaultDetector, parseItemLine, toItem, type ClassifiedItem, type MonitorItemInput } from "./classify.ts";
export { weeklySeries, monthlySeries, markAnomalies, barChartSvg, type ExecutionRecord, type Series, type SeriesPoint, type Anomaly } from "./trends.ts";
export { pollOnce, backoffMinutes, type MonitorRepository, type SourceState, type SourceFailure, type CollectedItem, type PollReport, type PollOptions } from "./poller.ts";
export { MemoryMonitorRepository } from "./memory-repository.ts";
export { StoreMonitorRepository } from "./store-repository.ts";
export { safeFetch, FetchError, type FetchOptions, type FetchResult } from "./fetcher.ts";
export { parseFeedDocument, type ParsedFeed, type FeedEntry } from "./feeds.ts";
export { extractArticle, htmlToText, type Article } from "./html.ts";
export { addSource, listSources, getSource, updateSource, pollSourceNow, listTriage, triageCounts, getTriageItem, setItemStatus, type NewSource, type SourcePatch, type TriageItem, type TriageDecision, type TriageQuery } from "./sources.ts";
export { draftFromItem, suggestMatches, confirmItem, dismissItem, reopenItem, mayTriage, triageView, completePerson, completeSource, dateInput, sentenceAround, type TriageView, type PlaceSuggestion, type ConfirmInput, type ConfirmPersonInput, type ConfirmSourceInput, type ConfirmDraft, type DraftPerson, type ConfirmResult, type MatchSuggestion } from "./triage.ts";
export { requestArticleCapture, setArticleCapturer, type ArticleCapturer, type ArticleCaptureRequest, type ArticleCaptureResult } from "./article-capture.ts";
export { POLL_JOB, DISPATCH_JOB, schedulePoll, pollStore, pollJobHandler, dispatchJobHandler, dispatchStore, configuredTransports } from "./jobs.ts";
export { configureMonitor, monitorRuntime, monitorStartHook, type MonitorRuntime } from "./runtime.ts";
export { addStep, currentStatus, findWatched, riskLevel, validateStep, WATCH_STEP_KINDS, type Watch, type WatchStep, type WatchStepKind, type WatchStatus, type WatchSourceRef, type StatusChange, type WatchHit } from "./watchlist.ts";
export { wants, planDeliveries, digestDue, renderAlertMessage, webhookPayload, validateSubscription, itemEvent, TOPICS, type AlertEvent, type Subscription, type Delivery, type Topic, type AlertableItem } from "./alerts.ts";
export { raiseAlerts, dispatchDue, MemoryAlertRepository, type AlertRepository, type AlertTransports, type DispatchReport } from "./dispatch.ts";
export { signWebhook, verifyWebhook, sendWebhook } from "./webhook.ts";
export { smtpSender, type SmtpSettings } from "./email.ts";
export { secretBox, SEALED_PREFIX, type SecretBox } from "./secret-box.ts";
export {
  StoreAlertRepository,
  createSubscription,
  listSubscriptions,
  getSubscription,
  updateSubscription,
  rotateWebhookSecret,
  deleteSubscription,
  listDeliveries,
  newWebhookSecret,
  createWatch,
  updateWatch,
  recordStep,
  listWatches,
  getWatch,
  allWatches,
  type WatchSummary,
  type WatchInput,
  type SubscriptionView,
  type SubscriptionInput,
  type SubscriptionPatch,
} from "./store-alerts.ts";
export { staffExecutionRecords, publicExecutionRecords, trendSeries, trendSvg, type TrendCharts } from "./record-trends.ts";
export { monitorPages } from "./web/pages.tsx";
export { publicWatchlist, publicTrendSvg, publicTrendSeries, publicSeriesSvg, publicRisk, RISK_RANK, PUBLIC_ACT_STATUS, type PublicWatchEntry, type PublicRisk } from "./public.ts";
