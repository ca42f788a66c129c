import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const intString = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const ConfigSchema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/intake'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key: lets tests and several installations share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('intake'),
  /** S3 endpoint (e.g. http://minio:9000). Unset: objects go to STORE_DIR on local disk. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY: z.string().default('minioadmin'),
  S3_SECRET_KEY: z.string().default('minioadmin'),
  S3_BUCKET: z.string().regex(/^[a-z0-9.-]{3,63}$/).default('intake'),
  S3_REGION: z.string().default('us-east-1'),
  STORE_DIR: z.string().default(path.join(ROOT, 'var', 'objects')),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: intString(8080, 0, 65535),
  /** Largest upload the API accepts, in bytes. */
  MAX_UPLOAD_BYTES: intString(200 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
  WORKER_CONCURRENCY: intString(Math.max(1, os.availableParallelism()), 1, 64),
  /** How long a job's lock lives without renewal: a killed worker's job is retried after this. */
  JOB_LOCK_MS: intString(30_000, 1_000, 600_000),
  JOB_ATTEMPTS: intString(5, 1, 50),
  JOB_BACKOFF_MS: intString(2_000, 10, 600_000),
  /** Longest wait between retries of an outage: retries go on as long as the outage lasts. */
  JOB_BACKOFF_MAX_MS: intString(60_000, 100, 3_600_000),
  /** How often the re-drive queues steps that are due and have no live job (and at worker start). */
  REDRIVE_EVERY_MS: intString(30_000, 200, 3_600_000),
  /** Longest wait for Redis when queueing after a commit; the re-drive queues it later. */
  ENQUEUE_TIMEOUT_MS: intString(2_000, 50, 60_000),
  OCR_LANGS: z.string().regex(/^[a-z_]+(\+[a-z_]+)*$/).default('nor+eng'),
  /** Below this mean OCR confidence (0-100) a document is unreadable and goes to the mail room. */
  OCR_MIN_CONFIDENCE: intString(40, 0, 100),
  /**
   * Folder of <lang>.traineddata (e.g. Debian's /usr/share/tesseract-ocr/5/tessdata), or 'npm'
   * for the @tesseract.js-data/<lang> packages. Unset: Debian's when installed, else npm's.
   */
  OCR_LANG_PATH: z.string().optional(),
  /** Hard limit for one page's OCR: the worker is killed, the page retried once on harder clean-up, then left to a person. */
  OCR_PAGE_TIMEOUT_MS: intString(30_000, 100, 600_000),
  /** An OCR worker is replaced after this many pages: its WASM memory never shrinks. */
  OCR_RECYCLE_PAGES: intString(200, 1, 100_000),
  /** OCR workers of this process are replaced once its resident memory passes this (MB), before it grows further. */
  OCR_MAX_RSS_MB: intString(600, 100, 64 * 1024),
  /** Largest decoded size of one compressed stream (PDF stream, zip entry, TIFF or PNG page): bombs are refused before they are unpacked. */
  MAX_STREAM_BYTES: intString(256 * 1024 * 1024, 1024 * 1024, 8 * 1024 * 1024 * 1024),
  /** Most pages one file may have; a longer file goes to the mail room with the reason. */
  MAX_PAGES_PER_FILE: intString(3000, 1, 1_000_000),
  /** A file with more pages is split by page jobs of this many pages each (the `page` stage), spread over the workers; shorter files in the split job itself. */
  SPLIT_PAGES_PER_JOB: intString(25, 1, 10_000),
  /**
   * Port of the operations endpoints (/metrics, /health/live, /health/ready) of `intake api` and
   * `intake worker`; 0 (the default, so several processes on one machine do not collide) turns
   * them off. The deployment manifests set 9464.
   */
  OPS_PORT: intString(0, 0, 65535),
  /** Address the operations endpoints listen on (0.0.0.0 in a container, so the platform can probe and scrape). */
  OPS_HOST: z.string().default('127.0.0.1'),
  ROUTING_POLICY: z.string().default(path.join(ROOT, 'data', 'policies', 'ekspertgruppe-2010.json')),
  /** Who is acting, for the audit log, when the CLI reads a person's documents. */
  INTAKE_USER: z.string().default(os.userInfo().username),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** dev: local sign-in as a seeded user with tokens this process signs; oidc: tokens from the identity provider. */
  AUTH_MODE: z.enum(['dev', 'oidc']).default('dev'),
  AUTH_ISSUER: z.string().url().optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  /** The web app's client id at the identity provider: its tokens (azp/appid) are logged as channel "web", all others as "api". */
  AUTH_WEB_CLIENT_ID: z.string().min(1).optional(),
  /** Where the browser goes to sign in in oidc mode (e.g. a login sidecar's path). */
  AUTH_LOGIN_URL: z.string().default('/oauth2/login'),
  /** Key for dev tokens; unset: a random key per process (tokens end with the process). */
  AUTH_DEV_SECRET: z.string().min(32).optional(),
  AUTH_TOKEN_TTL_S: intString(8 * 3600, 60, 24 * 3600),
  /** The built web app (vite), served by the API. */
  WEB_DIST: z.string().default(path.join(ROOT, 'web', 'dist')),
  /** A document not moving for this long is a deviation (stuck in a stage). */
  STUCK_AFTER_MINUTES: intString(60, 1, 7 * 24 * 60),
  /** A document received this long ago, not finished and with no live job is stuck: a red line on the overview and in `intake status --stuck`. */
  NO_JOB_AFTER_MINUTES: intString(15, 1, 7 * 24 * 60),
  /** The vendor's batches are PGP-encrypted (`.zip.pgp`): our private key (armoured or binary file) and its passphrase. */
  PGP_PRIVATE_KEY_FILE: z.string().optional(),
  PGP_PASSPHRASE: z.string().optional(),
  /** The passphrase read from a file (e.g. a mounted secret) instead of the environment. */
  PGP_PASSPHRASE_FILE: z.string().optional(),
  /** Where persons come from: `table` (the register table, loaded by `intake register import`) or `pdl` (NAV's person API). */
  PERSON_REGISTER: z.enum(['table', 'pdl']).default('table'),
  /** PDL's GraphQL endpoint and the skjermede-personer API, with PERSON_REGISTER=pdl. */
  PDL_URL: z.string().url().optional(),
  SKJERMING_URL: z.string().url().optional(),
  /** Bearer token for both (production gets one per call from the identity provider; see README). */
  PERSON_API_TOKEN: z.string().optional(),
  PERSON_API_TIMEOUT_MS: intString(5_000, 100, 60_000),
  /** Look-ups are cached this long (seconds) in each process; 0 turns the cache off. */
  PERSON_CACHE_TTL_S: intString(300, 0, 86_400),
  PERSON_CACHE_SIZE: intString(50_000, 0, 10_000_000),
  /** Development and tests only: load the 60 synthetic people into an empty register at start. */
  SYNTHETIC_PERSONS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Folder the vendor's daily reconciliation files (avstemmingsfil) arrive in; unset: reconciliation is run by hand. */
  AVSTEMMING_DIR: z.string().optional(),
  /** When the scheduled reconciliation runs (cron, Europe/Oslo): 07:00 on weekdays. */
  AVSTEMMING_CRON: z.string().default('0 7 * * 1-5'),
  /** When the classifier is retrained from the mail room's corrections (cron, Europe/Oslo): 02:30 on Sundays. Empty: by hand only. */
  LEARNING_CRON: z.string().default('30 2 * * 0'),
  /** Hand-overs of a letter to the letter adapter before it is given up as failed (shown to administrators). */
  LETTER_MAX_ATTEMPTS: intString(6, 1, 100),
  /** Wait after a letter's first failed hand-over, in minutes; doubled after each further one, at most LETTER_RETRY_MAX_MINUTES. */
  LETTER_RETRY_BASE_MINUTES: intString(5, 0, 1440),
  LETTER_RETRY_MAX_MINUTES: intString(240, 0, 10_080),
  /** The ceiling of wrong automatic decisions the learnt thresholds hold, per field and tema (0.005 = 0.5 %). */
  LEARNING_ERROR_CEILING: z.coerce.number().gt(0).lt(0.5).default(0.005),
  NODE_ENV: z.string().optional(),
}).superRefine((c, ctx) => {
  if (c.PERSON_REGISTER === 'pdl') {
    for (const key of ['PDL_URL', 'SKJERMING_URL'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when PERSON_REGISTER=pdl' });
    }
  }
  if (c.NODE_ENV === 'production' && c.SYNTHETIC_PERSONS) ctx.addIssue({ code: 'custom', path: ['SYNTHETIC_PERSONS'], message: 'synthetic people are not allowed when NODE_ENV=production' });
  // Dev sign-in needs no password: never in production.
  if (c.NODE_ENV === 'production' && c.AUTH_MODE === 'dev') ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'dev sign-in is not allowed when NODE_ENV=production; set AUTH_MODE=oidc' });
  if (c.AUTH_MODE === 'oidc') {
    for (const key of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when AUTH_MODE=oidc' });
    }
  }
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;

/** Reads and validates the environment once; a bad value stops start-up with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { fresh?: boolean } = {}): Config {
  if (cached && !opts.fresh && env === process.env) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration in environment:\n${problems}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}
