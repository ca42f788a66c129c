import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDiskStore } from '../../storage/objects/local-disk-store.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/objects/object-store.ts';
import { S3Store } from '../../storage/objects/s3-store.ts';
import { startS3, type S3Server } from '../helpers/services.ts';

let s3: S3Server;
let dir: string;
const stores: Record<string, () => ObjectStore> = {};

beforeAll(async () => {
  s3 = await startS3();
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-local-'));
  stores.local = () => new LocalDiskStore(dir);
  stores.s3 = () => new S3Store({ endpoint: s3.endpoint, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'contract-test', region: 'us-east-1' });
});

afterAll(async () => {
  await s3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(['local', 's3'])('%s object store', (kind) => {
  it('stores and returns the exact bytes', async () => {
    const store = stores[kind]!();
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    await store.put('originals/ab/abc123', data, 'application/pdf');
    expect(Buffer.compare(await store.get('originals/ab/abc123'), data)).toBe(0);
    expect(await store.exists('originals/ab/abc123')).toBe(true);
  });
  it('says clearly when an object is missing', async () => {
    const store = stores[kind]!();
    expect(await store.exists('pages/none/1.png')).toBe(false);
    await expect(store.get('pages/none/1.png')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
  it('deletes', async () => {
    const store = stores[kind]!();
    await store.put('set-aside/x', Buffer.from('x'));
    await store.delete('set-aside/x');
    expect(await store.exists('set-aside/x')).toBe(false);
  });
  it('refuses keys that could escape the store', async () => {
    const store = stores[kind]!();
    await expect(store.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow(/bad object key/);
    await expect(store.put('/abs', Buffer.from('x'))).rejects.toThrow(/bad object key/);
  });
});
