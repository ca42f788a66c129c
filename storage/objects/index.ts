import type { Config } from '../../schemas/config.ts';
import { LocalDiskStore } from './local-disk-store.ts';
import type { ObjectStore } from './object-store.ts';
import { S3Store } from './s3-store.ts';

export type { ObjectStore } from './object-store.ts';

/** S3 when an endpoint is configured, otherwise the local-disk store. */
export function createObjectStore(config: Config): ObjectStore {
  if (config.S3_ENDPOINT) {
    return new S3Store({
      endpoint: config.S3_ENDPOINT,
      accessKey: config.S3_ACCESS_KEY,
      secretKey: config.S3_SECRET_KEY,
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
    });
  }
  return new LocalDiskStore(config.STORE_DIR);
}
