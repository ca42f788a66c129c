import { Alert, Loader, Pagination, Tag } from '@navikt/ds-react';
import { useCallback, useEffect, useRef, useState, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { PROTECTION_NAVN } from './format.ts';
import { navigate } from './router.ts';

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
    setError(null);
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

/** A link inside the app: a plain click stays in the page, ctrl/cmd/middle click opens a new tab as usual. */
export function AppLink({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** A page image; the session cookie goes with it. Thumbnails load when scrolled to. */
export function PageImage({ src, alt, className }: { src: string; alt: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [src]);
  if (failed) return <div className={`page-image missing ${className ?? ''}`}>Bildet kunne ikke vises</div>;
  return <img src={src} alt={alt} loading="lazy" className={`page-image ${className ?? ''}`} onError={() => setFailed(true)} />;
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const count = Math.max(1, Math.ceil(total / pageSize));
  if (count <= 1) return null;
  return <Pagination page={page} count={count} onPageChange={onPage} size="small" prevNextTexts srHeading={{ tag: 'h2', text: 'Sider' }} />;
}

/** A table that scrolls sideways inside its own box on a narrow screen, never the page. */
export function TableBox({ children, label }: { children: ReactNode; label: string }) {
  return <div className="table-box" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

/** Kode 6, kode 7 or a NAV employee: said where the document is shown, so it is handled accordingly. */
export function ProtectionTag({ protection, long }: { protection: string | null; long?: boolean }) {
  if (!protection) return null;
  const text = PROTECTION_NAVN[protection] ?? protection;
  const code = protection === 'strengt-fortrolig' ? ' (kode 6)' : protection === 'fortrolig' ? ' (kode 7)' : '';
  return <Tag size="small" variant={protection === 'strengt-fortrolig' ? 'error' : 'warning'} className="protection">{text}{long ? code : ''}</Tag>;
}
