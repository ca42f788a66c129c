import type { Queryable } from '../repositories/queryable.ts';
import { GRADERINGER, type Gradering, type PersonRegister, type RegisterEntry } from './person-register.ts';
import { saveSnapshot } from './table-register.ts';

/** A register that could not answer: a technical failure, retried by the queue (never "not known"). */
export class PersonRegisterUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersonRegisterUnavailableError';
  }
}

/**
 * PDL's batched forms of `hentPerson` and `hentGeografiskTilknytning`: only what routing needs
 * (adressebeskyttelse.gradering; gtType, gtKommune, gtBydel, gtLand). PDL answers per ident with a
 * `code` (ok, not_found, bad_request).
 */
export const PDL_QUERY = `query($identer: [ID!]!) {
  hentPersonBolk(identer: $identer) { ident code person { adressebeskyttelse { gradering } } }
  hentGeografiskTilknytningBolk(identer: $identer) { ident code geografiskTilknytning { gtType gtKommune gtBydel gtLand } }
}`;

interface PdlAnswer {
  data?: {
    hentPersonBolk?: Array<{ ident: string; code: string; person: { adressebeskyttelse: Array<{ gradering: string }> } | null }>;
    hentGeografiskTilknytningBolk?: Array<{ ident: string; code: string; geografiskTilknytning: { gtType: string; gtKommune: string | null; gtBydel: string | null; gtLand: string | null } | null }>;
  };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface PdlOptions {
  pdlUrl: string;
  skjermingUrl: string;
  token?: () => Promise<string | undefined> | string | undefined;
  timeoutMs: number;
  /** Ids per call (PDL's Bolk queries take up to 1 000). */
  chunk?: number;
}

// The strictest grading wins when PDL holds several (e.g. one per master).
const STRICTNESS: Gradering[] = ['STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND', 'FORTROLIG', 'UGRADERT'];

/** Production: PDL for protection and geography, the skjermede-personer API for NAV employees. */
export class PdlRegister implements PersonRegister {
  readonly kind = 'pdl' as const;
  constructor(
    private readonly opts: PdlOptions,
    /** Where what PDL said is kept for documents, cases and access control (`persons`). */
    private readonly snapshot?: Queryable,
  ) {}

  private async post(url: string, body: unknown): Promise<unknown> {
    const token = await this.opts.token?.();
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', accept: 'application/json', 'Tema': 'GEN',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw new PersonRegisterUnavailableError(`${new URL(url).host} svarte ikke: ${(err as Error).message}`);
    }
    if (!res.ok) throw new PersonRegisterUnavailableError(`${new URL(url).host} svarte HTTP ${res.status}`);
    return res.json();
  }

  async lookup(idents: readonly string[]): Promise<Map<string, RegisterEntry>> {
    const out = new Map<string, RegisterEntry>();
    const ids = [...new Set(idents)].filter((i) => /^\d{11}$/.test(i));
    const chunk = this.opts.chunk ?? 1000;
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      const [pdl, skjermet] = await Promise.all([
        this.post(this.opts.pdlUrl, { query: PDL_QUERY, variables: { identer: part } }) as Promise<PdlAnswer>,
        this.post(new URL('skjermetBulk', this.opts.skjermingUrl.endsWith('/') ? this.opts.skjermingUrl : `${this.opts.skjermingUrl}/`).toString(), { personidenter: part }) as Promise<Record<string, boolean>>,
      ]);
      if (pdl.errors?.length && !pdl.data) {
        throw new PersonRegisterUnavailableError(`PDL svarte med feil: ${pdl.errors.map((e) => e.extensions?.code ?? 'ukjent').join(', ')}`);
      }
      const geo = new Map((pdl.data?.hentGeografiskTilknytningBolk ?? []).map((g) => [g.ident, g]));
      for (const p of pdl.data?.hentPersonBolk ?? []) {
        if (p.code !== 'ok' || !p.person) continue;
        const grades = p.person.adressebeskyttelse.map((a) => a.gradering).filter((g): g is Gradering => (GRADERINGER as readonly string[]).includes(g));
        const gradering = STRICTNESS.find((s) => grades.includes(s)) ?? 'UGRADERT';
        const g = geo.get(p.ident);
        const gt = g?.code === 'ok' ? g.geografiskTilknytning : null;
        out.set(p.ident, {
          ident: p.ident,
          gradering,
          gtKommune: gt?.gtKommune ?? null,
          gtBydel: gt?.gtBydel ?? null,
          gtLand: gt?.gtType === 'UTLAND' ? gt.gtLand ?? 'XUK' : gt?.gtLand ?? null,
          skjermet: skjermet[p.ident] === true,
        });
      }
    }
    if (this.snapshot) await saveSnapshot(this.snapshot, [...out.values()], 'pdl');
    return out;
  }
}
