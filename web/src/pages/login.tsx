import { Alert, BodyShort, Box, Button, Heading, Select, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { api, signIn, type Role } from '../api.ts';
import { ROLE_NAVN } from '../format.ts';

interface DevUser {
  id: string;
  name: string;
  role: Role;
  units: string[];
  unitNames: Record<string, string>;
}

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const [config, setConfig] = useState<{ mode: 'dev' | 'oidc'; loginUrl: string | null } | null>(null);
  const [users, setUsers] = useState<DevUser[]>([]);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<{ mode: 'dev' | 'oidc'; loginUrl: string | null }>('/api/auth/config').then(async (c) => {
      setConfig(c);
      if (c.mode === 'dev') {
        const list = await api<DevUser[]>('/api/auth/dev-users');
        setUsers(list);
        setChosen(list[0]?.id ?? '');
      }
    }, (e: Error) => setError(e.message));
  }, []);

  const login = async (e?: React.FormEvent) => {
    e?.preventDefault();
    try {
      await signIn(chosen);
      onLogin();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Box as="main" padding="space-32" className="login">
      <VStack gap="space-16">
        <Heading level="1" size="large">Skanning og mottak</Heading>
        <BodyShort>NAVs sentrale postmottak: skannet post, manuell behandling, innboks og status.</BodyShort>
        {error && <Alert variant="error">{error}</Alert>}
        {config?.mode === 'oidc' && (
          <Button as="a" href={config.loginUrl ?? '/oauth2/login'}>Logg inn med NAV-konto</Button>
        )}
        {config?.mode === 'dev' && (
          <>
            <Alert variant="warning" size="small">Utviklerinnlogging: bare for lokal bruk, uten passord.</Alert>
            <form onSubmit={login}>
              <VStack gap="space-16">
                <Select label="Logg inn som" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                  {users.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name} – {ROLE_NAVN[u.role]}{u.units.length ? ` (${u.units.map((x) => `${x} ${u.unitNames[x] ?? ''}`).join(', ')})` : ''}
                    </option>
                  ))}
                </Select>
                <div><Button type="submit" disabled={!chosen}>Logg inn</Button></div>
              </VStack>
            </form>
          </>
        )}
      </VStack>
    </Box>
  );
}
