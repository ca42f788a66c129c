import { InternalHeader, Spacer, Loader, Box } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { api, session, whenUnauthorized, type Me, type Role } from './api.ts';
import { ROLE_NAVN } from './format.ts';
import { navigate, useLocation } from './router.ts';
import { LoginPage } from './pages/login.tsx';
import { MailRoomPage } from './pages/mailroom.tsx';
import { BatchPage } from './pages/batch.tsx';
import { AvstemmingPage } from './pages/avstemming.tsx';
import { ManualQueuePage } from './pages/manual-queue.tsx';
import { ManualItemPage } from './pages/manual-item.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { InboxDocumentPage } from './pages/inbox-document.tsx';
import { StatusPage } from './pages/status.tsx';
import { DeviationsPage } from './pages/deviations.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { AdminPage } from './pages/admin.tsx';

interface NavItem {
  path: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { path: '/postmottak', label: 'Postmottak', roles: ['operator'] },
  { path: '/manuell', label: 'Manuell kø', roles: ['operator'] },
  { path: '/innboks', label: 'Innboks', roles: ['caseworker'] },
  { path: '/status', label: 'Statusoppslag', roles: ['status-reader', 'caseworker', 'operator'] },
  { path: '/avvik', label: 'Avvik', roles: ['caseworker', 'operator', 'admin'] },
  { path: '/oversikt', label: 'Oversikt', roles: ['operator', 'admin'] },
  { path: '/admin', label: 'Administrasjon', roles: ['admin'] },
];

const HOME: Record<Role, string> = { operator: '/postmottak', caseworker: '/innboks', 'status-reader': '/status', admin: '/oversikt' };

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const { path } = useLocation();

  const loadMe = useCallback(async () => {
    if (!session.token) return setMe(null);
    try {
      setMe(await api<Me>('/api/me'));
    } catch {
      session.set(null);
      setMe(null);
    }
  }, []);

  useEffect(() => {
    whenUnauthorized(() => {
      session.set(null);
      setMe(null);
    });
    void loadMe();
  }, [loadMe]);

  if (me === undefined) return <Loader size="2xlarge" title="Laster" />;
  if (me === null) return <LoginPage onLogin={loadMe} />;

  const allowed = NAV.filter((n) => n.roles.includes(me.role));
  if (path === '/' || path === '/logg-inn') {
    queueMicrotask(() => navigate(HOME[me.role]));
  }
  const logout = () => {
    session.set(null);
    setMe(null);
    navigate('/');
  };

  return (
    <div className="app">
      <InternalHeader>
        <InternalHeader.Title as="a" href={HOME[me.role]} onClick={(e: React.MouseEvent) => { e.preventDefault(); navigate(HOME[me.role]); }}>
          Skanning og mottak
        </InternalHeader.Title>
        <nav className="app-nav" aria-label="Hovedmeny">
          {allowed.map((n) => (
            <a key={n.path} href={n.path} className={path.startsWith(n.path) ? 'active' : ''} aria-current={path.startsWith(n.path) ? 'page' : undefined}
              onClick={(e) => { e.preventDefault(); navigate(n.path); }}>
              {n.label}
            </a>
          ))}
        </nav>
        <Spacer />
        <InternalHeader.User name={me.name} description={`${ROLE_NAVN[me.role]}${me.units.length ? ` · ${me.units.join(', ')}` : ''}`} />
        <InternalHeader.Button onClick={logout}>Logg ut</InternalHeader.Button>
      </InternalHeader>
      <Box as="main" padding="space-24" className="app-main">
        <Route path={path} me={me} />
      </Box>
    </div>
  );
}

function Route({ path, me }: { path: string; me: Me }) {
  const parts = path.split('/').filter(Boolean);
  const can = (r: Role[]) => r.includes(me.role);
  switch (parts[0]) {
    case 'postmottak':
      if (!can(['operator'])) break;
      if (parts[1] === 'avstemming') return <AvstemmingPage />;
      return parts[1] === 'bunke' && parts[2] ? <BatchPage id={parts[2]} /> : <MailRoomPage />;
    case 'manuell':
      if (!can(['operator'])) break;
      return parts[1] ? <ManualItemPage id={parts[1]} /> : <ManualQueuePage />;
    case 'innboks':
      if (!can(['caseworker'])) break;
      return parts[1] && parts[2] ? <InboxDocumentPage me={me} unitId={parts[1]} id={parts[2]} /> : <InboxPage me={me} unitId={parts[1]} />;
    case 'status':
      if (!can(['status-reader', 'caseworker', 'operator'])) break;
      return <StatusPage />;
    case 'avvik':
      if (!can(['caseworker', 'operator', 'admin'])) break;
      return <DeviationsPage me={me} />;
    case 'oversikt':
      if (!can(['operator', 'admin'])) break;
      return <OverviewPage />;
    case 'admin':
      if (!can(['admin'])) break;
      return <AdminPage />;
    default:
      return null;
  }
  return <p>Du har ikke tilgang til denne siden.</p>;
}
