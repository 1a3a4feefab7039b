/**
 * The token authority of one carrier: opaque or JWT access tokens, refresh tokens with
 * optional strict single-use rotation and family revocation, authorization codes with PKCE,
 * and early token death.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt } from './jwt.ts';
import { verifierMatches } from './pkce.ts';
import type {
  AccountBook,
  IssuedToken,
  IssueOptions,
  ModeBook,
  RefreshResult,
  SimAccount,
  SimStats,
  TokenAuthority,
} from './types.ts';

const DEFAULT_LIFETIME_S = 3600;
const DEFAULT_REFRESH_LIFETIME_S = 30 * 24 * 3600;
const CODE_LIFETIME_MS = 10 * 60 * 1000;
/**
 * Above this many records, expired ones are swept (bounded memory in long runs). The next sweep
 * waits until the records have doubled again, so issuing stays linear however many are live
 * (sweeping on every issue past the threshold made 100,000 live tokens quadratic).
 */
const SWEEP_THRESHOLD = 50_000;

interface TokenRecord {
  accountId: string;
  scope: string;
  kind: string;
  family: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshRecord extends TokenRecord {
  spent: boolean;
  /** Options of the first issue, reused by refreshes (lifetime, format...). */
  issue: IssueOptions;
}

interface CodeRecord {
  accountId: string;
  challenge: string | undefined;
  method: string;
  redirectUri: string | undefined;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenAuthorityOptions {
  carrier: string;
  accounts: AccountBook;
  stats: SimStats;
  modes: ModeBook;
  clock: () => number;
}

const opaque = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

export function createTokenAuthority(options: TokenAuthorityOptions): TokenAuthority {
  const { accounts, stats, modes, clock } = options;
  let access = new Map<string, TokenRecord>();
  let refresh = new Map<string, RefreshRecord>();
  let codes = new Map<string, CodeRecord>();
  let families = new Map<string, Set<string>>();
  let sweepAbove = SWEEP_THRESHOLD;

  const sweep = (): void => {
    const now = clock();
    for (const [token, rec] of access) if (rec.expiresAt < now) access.delete(token);
    for (const [token, rec] of refresh) if (rec.expiresAt < now) refresh.delete(token);
    for (const [code, rec] of codes) if (rec.expiresAt < now) codes.delete(code);
    for (const [family, members] of families) {
      for (const token of members) if (!access.has(token) && !refresh.has(token)) members.delete(token);
      if (members.size === 0) families.delete(family);
    }
    sweepAbove = Math.max(SWEEP_THRESHOLD, 2 * (access.size + refresh.size));
  };

  const joinFamily = (family: string, token: string): void => {
    const members = families.get(family);
    if (members) members.add(token);
    else families.set(family, new Set([token]));
  };

  const revokeFamily = (family: string): void => {
    for (const token of families.get(family) ?? []) {
      const rec = access.get(token) ?? refresh.get(token);
      if (rec) rec.revoked = true;
    }
  };

  const issue = (account: SimAccount, opts: IssueOptions = {}): IssuedToken => {
    if (access.size + refresh.size > sweepAbove) sweep();
    const now = clock();
    const claimed = modes.get(account.id).tokenLifetimeSeconds ?? opts.lifetimeSeconds ?? DEFAULT_LIFETIME_S;
    const actual = opts.actualLifetimeSeconds ?? claimed;
    const family = opts.family ?? randomUUID();
    const scope = opts.scope ?? '';
    const kind = opts.kind ?? 'access';
    const accessToken =
      opts.format === 'jwt'
        ? signJwt({
            iss: `sandbox:${options.carrier}`,
            sub: account.id,
            client_id: account.secrets.clientId,
            scope,
            iat: Math.floor(now / 1000),
            exp: Math.floor(now / 1000) + claimed,
            jti: randomUUID(),
            ...opts.claims,
          })
        : opaque(kind === 'access' ? 'sat_' : `s${kind}_`);
    access.set(accessToken, {
      accountId: account.id,
      scope,
      kind,
      family,
      expiresAt: now + actual * 1000,
      revoked: false,
    });
    joinFamily(family, accessToken);
    const token: IssuedToken = { accessToken, expiresIn: claimed, scope, issuedAt: now, family };
    if (opts.withRefresh) {
      const refreshToken = opaque('srt_');
      refresh.set(refreshToken, {
        accountId: account.id,
        scope,
        kind: 'refresh',
        family,
        expiresAt: now + (opts.refreshLifetimeSeconds ?? DEFAULT_REFRESH_LIFETIME_S) * 1000,
        revoked: false,
        spent: false,
        issue: { ...opts, family: undefined, actualLifetimeSeconds: undefined },
      });
      joinFamily(family, refreshToken);
      token.refreshToken = refreshToken;
    }
    return token;
  };

  return {
    issue,
    verify(accessToken) {
      const rec = access.get(accessToken);
      if (!rec) return { ok: false, reason: 'unknown' };
      if (rec.revoked) return { ok: false, reason: 'revoked' };
      if (rec.expiresAt <= clock()) return { ok: false, reason: 'expired' };
      const account = accounts.get(rec.accountId);
      if (!account) return { ok: false, reason: 'revoked' };
      return { ok: true, account, scope: rec.scope, kind: rec.kind, family: rec.family };
    },
    refresh(refreshToken, opts = {}): RefreshResult {
      const rec = refresh.get(refreshToken);
      if (!rec) return { ok: false, reason: 'unknown' };
      if (rec.revoked) return { ok: false, reason: 'revoked' };
      if (rec.expiresAt <= clock()) return { ok: false, reason: 'expired' };
      const account = accounts.get(rec.accountId);
      if (!account) return { ok: false, reason: 'revoked' };
      const mode = modes.get(account.id);
      if (rec.spent) {
        // Reuse of a spent single-use token: assume theft, kill the family (RFC 9700 4.14.2).
        stats.refreshReuse(account.id);
        revokeFamily(rec.family);
        return { ok: false, reason: 'reused' };
      }
      const next = { ...rec.issue, ...opts, scope: opts.scope ?? rec.scope, family: rec.family };
      if (mode.strictRotation) {
        rec.spent = true;
        return { ok: true, account, token: issue(account, { ...next, withRefresh: true }) };
      }
      if (mode.rotateRefreshTokens) {
        return { ok: true, account, token: issue(account, { ...next, withRefresh: true }) };
      }
      const token = issue(account, { ...next, withRefresh: false });
      token.refreshToken = refreshToken;
      return { ok: true, account, token };
    },
    createCode(account, opts) {
      const code = opaque('sac_');
      codes.set(code, {
        accountId: account.id,
        challenge: opts.codeChallenge,
        method: opts.codeChallengeMethod ?? 'plain',
        redirectUri: opts.redirectUri,
        scope: opts.scope ?? '',
        expiresAt: clock() + CODE_LIFETIME_MS,
        used: false,
      });
      return code;
    },
    redeemCode({ code, codeVerifier, redirectUri }) {
      const rec = codes.get(code);
      if (!rec) return { ok: false, reason: 'unknown' };
      if (rec.used) return { ok: false, reason: 'used' };
      if (rec.expiresAt <= clock()) return { ok: false, reason: 'expired' };
      if (rec.redirectUri !== undefined && rec.redirectUri !== redirectUri) {
        return { ok: false, reason: 'redirect_mismatch' };
      }
      if (rec.challenge !== undefined) {
        if (codeVerifier === undefined) return { ok: false, reason: 'pkce_missing' };
        if (!verifierMatches(codeVerifier, rec.challenge, rec.method)) {
          return { ok: false, reason: 'pkce_mismatch' };
        }
      }
      const account = accounts.get(rec.accountId);
      if (!account) return { ok: false, reason: 'unknown' };
      rec.used = true;
      return { ok: true, account, scope: rec.scope };
    },
    revoke(token) {
      const rec = access.get(token) ?? refresh.get(token);
      if (!rec) return false;
      rec.revoked = true;
      return true;
    },
    revokeAll(accountId) {
      for (const rec of [...access.values(), ...refresh.values()]) {
        if (accountId === undefined || rec.accountId === accountId) rec.revoked = true;
      }
      for (const [code, rec] of codes) {
        if (accountId === undefined || rec.accountId === accountId) codes.delete(code);
      }
    },
    reset() {
      sweepAbove = SWEEP_THRESHOLD;
      access = new Map();
      refresh = new Map();
      codes = new Map();
      families = new Map();
    },
  };
}
