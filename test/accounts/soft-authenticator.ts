import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

/**
 * A software WebAuthn authenticator for tests: real P-256 keys and real
 * signatures (node:crypto), in the exact formats browsers send, so the
 * server's verification (@simplewebauthn/server) runs for real.
 */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const b = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, b.length), b]);
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (value instanceof Map) {
    const parts: Buffer[] = [head(5, value.size)];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return Buffer.concat(parts);
  }
  throw new Error(`cbor: unsupported ${typeof value}`);
}

const b64u = (b: Buffer): string => b.toString("base64url");
const sha = (b: Buffer | string): Buffer => createHash("sha256").update(b).digest();

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  counter = 0;
  constructor(readonly userHandle?: string) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  private cose(): Buffer {
    const jwk = this.publicKey.export({ format: "jwk" });
    return cbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, "base64url")],
        [-3, Buffer.from(jwk.y!, "base64url")],
      ]),
    );
  }

  private authData(rpId: string, withCredential: boolean): Buffer {
    const flags = 0x01 | 0x04 | (withCredential ? 0x40 : 0); // user present, user verified, attested data
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [sha(rpId), Buffer.from([flags]), counter];
    if (withCredential) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), len, this.credentialId, this.cose());
    }
    return Buffer.concat(parts);
  }

  /** A registration response (attestation "none") for options from the server. */
  register(options: { challenge: string; rp: { id?: string } }, origin: string, rpId = options.rp.id ?? new URL(origin).hostname): Record<string, unknown> {
    const clientData = Buffer.from(JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false }));
    const attestation = cbor(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", this.authData(rpId, true)],
      ]),
    );
    const id = b64u(this.credentialId);
    return { id, rawId: id, type: "public-key", clientExtensionResults: {}, response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestation), transports: ["internal"] } };
  }

  /** An assertion for a sign-in challenge, signed with this key. */
  assert(options: { challenge: string; rpId?: string }, origin: string, rpId = options.rpId ?? new URL(origin).hostname): Record<string, unknown> {
    this.counter++;
    const clientData = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin, crossOrigin: false }));
    const authData = this.authData(rpId, false);
    const signature = sign("sha256", Buffer.concat([authData, sha(clientData)]), this.privateKey);
    const id = b64u(this.credentialId);
    return {
      id,
      rawId: id,
      type: "public-key",
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(signature), ...(this.userHandle ? { userHandle: b64u(Buffer.from(this.userHandle)) } : {}) },
    };
  }
}
