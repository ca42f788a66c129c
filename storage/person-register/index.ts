import type { Config } from '../../schemas/config.ts';
import type { Db } from '../db/pool.ts';
import { CachedRegister, type PersonRegister } from './person-register.ts';
import { PdlRegister } from './pdl-register.ts';
import { TableRegister } from './table-register.ts';

/** The configured person register (PERSON_REGISTER), behind a per-process cache. */
export function createPersonRegister(config: Config, db: Db): CachedRegister {
  const inner: PersonRegister = config.PERSON_REGISTER === 'pdl'
    ? new PdlRegister({ pdlUrl: config.PDL_URL!, skjermingUrl: config.SKJERMING_URL!, token: () => config.PERSON_API_TOKEN, timeoutMs: config.PERSON_API_TIMEOUT_MS }, db)
    : new TableRegister(db);
  return new CachedRegister(inner, config.PERSON_CACHE_TTL_S * 1000, config.PERSON_CACHE_SIZE);
}
