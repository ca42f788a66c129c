export type MediaType = 'application/pdf' | 'image/tiff' | 'image/png' | 'image/jpeg' | 'application/zip' | 'application/xml';

/** The file's type from its first bytes; the name is not trusted. */
export function detectMediaType(data: Buffer): MediaType | null {
  const head = data.subarray(0, 8);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head[0] === 0x89 && head.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const tiff = head.subarray(0, 4).toString('latin1');
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'image/tiff';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'application/zip';
  const start = data.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<?xml') || start.startsWith('<')) return 'application/xml';
  return null;
}

export const DOCUMENT_TYPES: ReadonlySet<MediaType> = new Set(['application/pdf', 'image/tiff', 'image/png', 'image/jpeg']);
