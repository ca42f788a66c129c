import { BodyShort, Heading, Loader, VStack } from '@navikt/ds-react';
import { MenuHamburgerIcon, XMarkIcon } from '@navikt/aksel-icons';
import { useCallback, useEffect, useState } from 'react';
import { api, signOut, whenUnauthorized, type Me, type Role } from './api.ts';
import { AppLink } from './components.tsx';
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
  may: (me: Me) => boolean;
}

const role = (...r: Role[]) => (me: Me) => r.includes(me.role);
const NAV: NavItem[] = [
  { path: '/postmottak', label: 'Postmottak', may: role('operator') },
  { path: '/manuell', label: 'Manuell kø', may: (me) => me.role === 'operator' || me.handlesProtected },
  { path: '/innboks', label: 'Innboks', may: role('caseworker') },
  { path: '/status', label: 'Statusoppslag', may: role('status-reader', 'caseworker', 'operator') },
  { path: '/avvik', label: 'Avvik', may: role('caseworker', 'operator', 'admin') },
  { path: '/oversikt', label: 'Oversikt', may: role('operator', 'admin') },
  { path: '/admin', label: 'Administrasjon', may: role('admin') },
];

const HOME: Record<Role, string> = { operator: '/postmottak', caseworker: '/innboks', 'status-reader': '/status', admin: '/oversikt' };

/** Where to go after signing in: a page of this site only. */
function next(): string | null {
  const n = new URLSearchParams(location.search).get('neste');
  return n && n.startsWith('/') && !n.startsWith('//') ? n : null;
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [menu, setMenu] = useState(false);
  const { path } = useLocation();

  const loadMe = useCallback(async () => {
    try {
      setMe(await api<Me>('/api/me'));
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    whenUnauthorized(() => setMe(null));
    void loadMe();
  }, [loadMe]);
  useEffect(() => setMenu(false), [path]);

  if (me === undefined) return <Loader size="2xlarge" title="Laster" className="app-loading" />;
  if (me === null) return <LoginPage onLogin={async () => {
    const to = next();
    // The queue dashboard is a page of the server, not of this app.
    if (to?.startsWith('/admin/queues')) return window.location.assign(to);
    await loadMe();
    if (to) navigate(to);
  }} />;

  const allowed = NAV.filter((n) => n.may(me));
  if (path === '/' || path === '/logg-inn') queueMicrotask(() => navigate(HOME[me.role]));
  const logout = async () => {
    await signOut();
    setMe(null);
    navigate('/');
  };

  return (
    <div className="app">
      <header className="app-header">
        <AppLink to={HOME[me.role]} className="app-title">Skanning og mottak</AppLink>
        <button type="button" className="menu-button" aria-expanded={menu} aria-controls="hovedmeny" onClick={() => setMenu((m) => !m)}>
          {menu ? <XMarkIcon aria-hidden fontSize="1.5rem" /> : <MenuHamburgerIcon aria-hidden fontSize="1.5rem" />}
          <span>Meny</span>
        </button>
        <nav id="hovedmeny" className={`app-nav ${menu ? 'open' : ''}`} aria-label="Hovedmeny">
          {allowed.map((n) => (
            <AppLink key={n.path} to={n.path} className={path.startsWith(n.path) ? 'active' : ''} aria-current={path.startsWith(n.path) ? 'page' : undefined}>
              {n.label}
            </AppLink>
          ))}
        </nav>
        <div className="app-user">
          <span className="app-user-name">{me.name}</span>
          <span className="app-user-role">{ROLE_NAVN[me.role]}{me.units.length ? ` · ${me.units.join(', ')}` : ''}</span>
        </div>
        <button type="button" className="logout" onClick={logout}>Logg ut</button>
      </header>
      <main className="app-main">
        <Route path={path} me={me} />
      </main>
    </div>
  );
}

function Message({ title, text, me }: { title: string; text: string; me: Me }) {
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">{title}</Heading>
      <BodyShort>{text}</BodyShort>
      <div><AppLink to={HOME[me.role]}>Til forsiden</AppLink></div>
    </VStack>
  );
}

function Route({ path, me }: { path: string; me: Me }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const item = NAV.find((n) => n.path === `/${parts[0] ?? ''}`);
  if (!item) return parts.length === 0 ? null : <Message me={me} title="Fant ikke siden" text="Adressen finnes ikke her. Bruk menyen, eller gå til forsiden." />;
  if (!item.may(me)) return <Message me={me} title="Ingen tilgang" text={`Siden «${item.label}» er ikke for rollen ${ROLE_NAVN[me.role]?.toLowerCase()}.`} />;
  switch (parts[0]) {
    case 'postmottak': if (parts[1] === 'avstemming') return <AvstemmingPage />; return parts[1] === 'bunke' && parts[2] ? <BatchPage id={parts[2]} /> : <MailRoomPage />;
    case 'manuell': return parts[1] ? <ManualItemPage id={parts[1]} me={me} /> : <ManualQueuePage me={me} />;
    case 'innboks': return parts[1] && parts[2] ? <InboxDocumentPage me={me} unitId={parts[1]} id={parts[2]} /> : <InboxPage me={me} unitId={parts[1]} />;
    case 'status': return <StatusPage />;
    case 'avvik': return <DeviationsPage me={me} />;
    case 'oversikt': return <OverviewPage me={me} />;
    case 'admin': return <AdminPage />;
    default: return null;
  }
}
