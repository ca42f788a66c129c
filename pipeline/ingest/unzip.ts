import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export interface ZipLimits {
  maxEntries: number;
  /** Largest file inside the zip, unpacked. */
  maxEntryBytes: number;
  /** All files together, unpacked (they are held in memory while the batch is taken in). */
  maxTotalBytes: number;
}

/** From the stream limit (pipeline/pages/limits.ts): one entry at most that, all together twice that. */
export function zipLimits(maxStreamBytes: number): ZipLimits {
  return { maxEntries: 10_000, maxEntryBytes: maxStreamBytes, maxTotalBytes: 2 * maxStreamBytes };
}

const DEFAULT_LIMITS: ZipLimits = zipLimits(256 * 1024 ** 2);
const mib = (n: number) => Math.round(n / 1024 ** 2).toLocaleString('nb-NO');

export class BadZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadZipError';
  }
}

/** Reads every file entry of a zip held in memory, refusing bombs and odd paths. */
export function readZip(buffer: Buffer, limits: ZipLimits = DEFAULT_LIMITS): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new BadZipError(`not a readable zip: ${err?.message ?? 'unknown error'}`));
      const entries: ZipEntry[] = [];
      let total = 0;
      zip.on('error', (e: Error) => reject(new BadZipError(`corrupt zip: ${e.message}`)));
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        if (entries.length >= limits.maxEntries) return reject(new BadZipError(`more than ${limits.maxEntries} files in zip`));
        // yauzl checks each entry's real size against the size it declares (validateEntrySizes).
        if (entry.uncompressedSize > limits.maxEntryBytes) {
          return reject(new BadZipError(`en fil i zip-filen pakkes ut til ${mib(entry.uncompressedSize)} MB, og grensen er ${mib(limits.maxEntryBytes)} MB per fil; zip-filen er ikke pakket ut`));
        }
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes) {
          return reject(new BadZipError(`zip-filen pakkes ut til mer enn ${mib(limits.maxTotalBytes)} MB til sammen, som er grensen; zip-filen er ikke pakket ut`));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(new BadZipError(`cannot read ${entry.fileName}: ${e?.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => reject(new BadZipError(`cannot read ${entry.fileName}: ${se.message}`)));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
