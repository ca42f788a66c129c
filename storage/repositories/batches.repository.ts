import type { Queryable } from './queryable.ts';

export interface BatchRow {
  id: string;
  name: string;
  source: string;
  createdAt: Date;
}

export async function createBatch(q: Queryable, name: string, source: string): Promise<BatchRow> {
  const { rows } = await q.query('INSERT INTO batches (name, source) VALUES ($1, $2) RETURNING *', [name, source]);
  return { id: rows[0].id, name: rows[0].name, source: rows[0].source, createdAt: rows[0].created_at };
}

export async function getBatch(q: Queryable, id: string): Promise<BatchRow | null> {
  const { rows } = await q.query('SELECT * FROM batches WHERE id = $1', [id]);
  return rows[0] ? { id: rows[0].id, name: rows[0].name, source: rows[0].source, createdAt: rows[0].created_at } : null;
}

export async function addSetAside(q: Queryable, batchId: string, name: string, reason: string, objectKey: string | null, externalRef: string | null = null): Promise<void> {
  await q.query('INSERT INTO set_aside (batch_id, name, reason, object_key, external_ref) VALUES ($1, $2, $3, $4, $5)', [batchId, name, reason, objectKey, externalRef]);
}

/** A file as it arrived (an encrypted batch stays encrypted here), for "nothing lost" and reconciliation. */
export async function addReceivedFile(q: Queryable, f: { batchId: string; name: string; sha256: string; objectKey: string; bytes: number; encrypted: boolean; decryptedSha256: string | null; postKind: string | null }): Promise<void> {
  await q.query(
    `INSERT INTO received_files (batch_id, name, sha256, object_key, bytes, encrypted, decrypted_sha256, post_kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [f.batchId, f.name, f.sha256, f.objectKey, f.bytes, f.encrypted, f.decryptedSha256, f.postKind],
  );
}

export async function listSetAside(q: Queryable, batchId: string): Promise<Array<{ name: string; reason: string }>> {
  const { rows } = await q.query('SELECT name, reason FROM set_aside WHERE batch_id = $1 ORDER BY id', [batchId]);
  return rows;
}
