import * as Minio from 'minio';
import { checkKey, ObjectNotFoundError, type ObjectStore } from './object-store.ts';

export interface S3Options {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/** S3 (MinIO in production) through the minio client. */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: Minio.Client;
  private ready: Promise<void> | undefined;

  constructor(private readonly opts: S3Options) {
    const url = new URL(opts.endpoint);
    this.client = new Minio.Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      useSSL: url.protocol === 'https:',
      accessKey: opts.accessKey,
      secretKey: opts.secretKey,
      region: opts.region,
      pathStyle: true,
    });
  }

  private ensureBucket(): Promise<void> {
    this.ready ??= (async () => {
      if (!(await this.client.bucketExists(this.opts.bucket))) {
        try {
          await this.client.makeBucket(this.opts.bucket, this.opts.region);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
        }
      }
    })().catch((err) => {
      this.ready = undefined; // let the next call try again
      throw err;
    });
    return this.ready;
  }

  async put(key: string, data: Buffer, contentType = 'application/octet-stream'): Promise<void> {
    await this.ensureBucket();
    await this.client.putObject(this.opts.bucket, checkKey(key), data, data.length, { 'Content-Type': contentType });
  }

  async get(key: string): Promise<Buffer> {
    await this.ensureBucket();
    try {
      const stream = await this.client.getObject(this.opts.bucket, checkKey(key));
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      if ((err as { code?: string }).code === 'NoSuchKey') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    await this.ensureBucket();
    try {
      await this.client.statObject(this.opts.bucket, checkKey(key));
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.ensureBucket();
    await this.client.removeObject(this.opts.bucket, checkKey(key));
  }
}
