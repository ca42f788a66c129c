import { Alert, Loader, Pagination } from '@navikt/ds-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { blobUrl } from './api.ts';

/** Loads data and reloads on demand or on an interval (live progress). */
export function useData<T>(load: () => Promise<T>, deps: unknown[], opts: { everyMs?: number } = {}) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    try {
      setData(await loader.current());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    setData(null);
    void reload();
    if (!opts.everyMs) return;
    const t = setInterval(() => void reload(), opts.everyMs);
    return () => clearInterval(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, error, reload };
}

export function Loading({ error }: { error: string | null }) {
  return error ? <Alert variant="error">{error}</Alert> : <Loader size="large" title="Laster" />;
}

/** A page image fetched with the token. */
export function PageImage({ src, alt, className }: { src: string; alt: string; className?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let revoked = false;
    let current: string | null = null;
    blobUrl(src).then((u) => {
      if (revoked) URL.revokeObjectURL(u);
      else { current = u; setUrl(u); }
    }, () => setFailed(true));
    return () => {
      revoked = true;
      if (current) URL.revokeObjectURL(current);
    };
  }, [src]);
  if (failed) return <div className={`page-image missing ${className ?? ''}`}>Bildet kunne ikke vises</div>;
  return url ? <img src={url} alt={alt} className={`page-image ${className ?? ''}`} /> : <div className={`page-image loading ${className ?? ''}`} />;
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const count = Math.max(1, Math.ceil(total / pageSize));
  if (count <= 1) return null;
  return <Pagination page={page} count={count} onPageChange={onPage} size="small" />;
}
