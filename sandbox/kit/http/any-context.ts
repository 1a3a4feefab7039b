import type { Context } from 'hono';

/** A Hono context of any env: carriers type their apps as they like. */
// biome-ignore lint/suspicious/noExplicitAny: the kit works with every Hono env.
export type AnyContext = Context<any>;
