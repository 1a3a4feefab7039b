/**
 * The fields of Grafana's dashboard JSON model this repository's dashboard uses, as a zod
 * schema (Grafana publishes TypeScript types in @grafana/schema, not a runtime validator).
 * Field names and shapes follow https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import { z } from 'zod';

const Datasource = z.object({ type: z.literal('prometheus'), uid: z.string().min(1) }).strict();

const GridPos = z
  .object({
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1),
  })
  .strict()
  .refine((g) => g.x + g.w <= 24, 'a panel must fit the 24-column grid');

const Target = z
  .object({
    refId: z.string().regex(/^[A-Z]$/),
    datasource: Datasource,
    expr: z.string().min(1),
    legendFormat: z.string(),
  })
  .strict();

const Panel = z
  .object({
    id: z.number().int().positive(),
    type: z.enum(['timeseries', 'stat', 'state-timeline', 'table']),
    title: z.string().min(1),
    description: z.string(),
    datasource: Datasource,
    gridPos: GridPos,
    fieldConfig: z
      .object({
        defaults: z.looseObject({ unit: z.string(), min: z.number().optional(), max: z.number().optional() }),
        overrides: z.array(z.unknown()),
      })
      .strict(),
    options: z.looseObject({}),
    targets: z.array(Target).min(1),
  })
  .strict();

const QueryVariable = z
  .object({
    name: z.string().regex(/^[a-z_]+$/),
    label: z.string(),
    type: z.literal('query'),
    datasource: Datasource,
    query: z.object({ query: z.string().startsWith('label_values('), refId: z.string() }).strict(),
    definition: z.string(),
    refresh: z.union([z.literal(1), z.literal(2)]),
    includeAll: z.boolean(),
    multi: z.boolean(),
    allValue: z.string().optional(),
    current: z.looseObject({}),
    sort: z.number().int(),
  })
  .strict();

const DatasourceVariable = z
  .object({
    name: z.string(),
    label: z.string(),
    type: z.literal('datasource'),
    query: z.literal('prometheus'),
    current: z.looseObject({}),
    hide: z.number().int(),
    includeAll: z.literal(false),
    multi: z.literal(false),
  })
  .strict();

export const GrafanaDashboard = z
  .object({
    __inputs: z.array(z.looseObject({ name: z.string(), type: z.literal('datasource') })).optional(),
    uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
    title: z.string().min(1),
    description: z.string(),
    tags: z.array(z.string()),
    timezone: z.string(),
    editable: z.boolean(),
    graphTooltip: z.number().int().min(0).max(2),
    schemaVersion: z.number().int().min(36),
    version: z.number().int(),
    refresh: z.string(),
    time: z.object({ from: z.string(), to: z.string() }).strict(),
    templating: z.object({ list: z.array(z.union([DatasourceVariable, QueryVariable])) }).strict(),
    annotations: z.object({ list: z.array(z.unknown()) }).strict(),
    panels: z.array(Panel).min(1),
  })
  .strict()
  .refine((d) => new Set(d.panels.map((p) => p.id)).size === d.panels.length, 'panel ids must be unique');
export type GrafanaDashboard = z.infer<typeof GrafanaDashboard>;
