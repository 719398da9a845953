import { z } from 'zod';

/*
 * The shape of one procedure file (`flows/procedures/<code>.yaml`) and of one per-OA override file
 * (`flows/overrides/<oaId>.yaml`). Every object is strict, so a misspelt key is an error at load
 * instead of a field that silently never shows up.
 */

/** Longest text a resident should have to read in one piece; answers are composed from several. */
export const MAX_TEXT = 300;
/** Zalo caps a button title at 20 characters, and short names are used as button titles. */
export const MAX_SHORT_NAME = 20;

/** A national procedure code (mã TTHC), e.g. `1.001193`. */
export const CodeSchema = z.string().regex(/^\d\.\d{6}$/, 'must be a national procedure code like 1.001193');

/** Text shown to residents, in Vietnamese (with diacritics, "Anh/Chị" register) and English. */
export const TextSchema = z.strictObject({
  vi: z.string().trim().min(1).max(MAX_TEXT),
  en: z.string().trim().min(1).max(MAX_TEXT),
});
/** One `{vi, en}` text. */
export type Text = z.infer<typeof TextSchema>;

const ShortTextSchema = z.strictObject({
  vi: z.string().trim().min(1).max(MAX_SHORT_NAME),
  en: z.string().trim().min(1).max(MAX_SHORT_NAME),
});

/** Who runs the procedure: the commune People's Committee or the commune police. */
export const AgencySchema = z.enum(['ubnd_xa', 'cong_an_xa']);
/** One of {@link AgencySchema}. */
export type Agency = z.infer<typeof AgencySchema>;

/** The administrative field a procedure belongs to. */
export const FieldSchema = z.enum([
  'ho_tich',
  'chung_thuc',
  'bao_tro_xa_hoi',
  'nguoi_co_cong',
  'giam_ngheo',
  'cu_tru',
  'can_cuoc',
]);
/** One of {@link FieldSchema}. */
export type Field = z.infer<typeof FieldSchema>;

/** How a paper is handed in: the original, a plain copy, a certified copy, or only shown. */
export const DocumentFormSchema = z.enum(['original', 'copy', 'certified_copy', 'show']);

/** One paper of the dossier; conditional papers are `required: false` and say `when`. */
export const DocumentSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
    name: TextSchema,
    form: DocumentFormSchema,
    count: z.int().min(1),
    required: z.boolean(),
    when: TextSchema.optional(),
    photo_ok: z.boolean(),
    notes: TextSchema.optional(),
  })
  .refine((d) => d.required || d.when !== undefined, {
    message: 'a document that is not required needs `when` to say when it is needed',
    path: ['when'],
  });
/** One document slot of a procedure. */
export type DocumentSlot = z.infer<typeof DocumentSchema>;

/** Fees and charges. `amount_vnd: null` means the amount is not fixed nationally. */
export const FeeSchema = z.strictObject({
  summary: TextSchema,
  amount_vnd: z.int().min(0).nullable().optional(),
  per: TextSchema.optional(),
  set_by_province: z.boolean(),
  exemptions: TextSchema.optional(),
});
/** The fee block of a procedure. */
export type Fee = z.infer<typeof FeeSchema>;

/** Processing time. `working_days: 0` means the same day; `null` means no fixed figure. */
export const TimeLimitSchema = z.strictObject({
  working_days: z.number().min(0).nullable(),
  same_day_cutoff: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 15:00')
    .optional(),
  summary: TextSchema,
});
/** The time-limit block of a procedure. */
export type TimeLimit = z.infer<typeof TimeLimitSchema>;

const UrlSchema = z.url({ protocol: /^https?$/ });

/** Where and how a dossier may be filed. */
export const ChannelsSchema = z.strictObject({
  desk: z.boolean(),
  post: z.boolean(),
  online: z.boolean(),
  vneid: z.boolean(),
  portal_url: UrlSchema.optional(),
  notes: TextSchema.optional(),
});
/** The channels block of a procedure. */
export type Channels = z.infer<typeof ChannelsSchema>;

/** One legal instrument the procedure rests on. */
export const LegalBasisSchema = z.strictObject({
  title: z.string().trim().min(1),
  date: z
    .string()
    .regex(/^\d{4}(-\d{2}-\d{2})?$/, 'must be YYYY-MM-DD or YYYY')
    .optional(),
  note: TextSchema.optional(),
});
/** One legal-basis entry. */
export type LegalBasis = z.infer<typeof LegalBasisSchema>;

/** Fields the reference could not confirm; the bot words them with a caveat. */
export const UnconfirmableFieldSchema = z.enum([
  'code',
  'also_codes',
  'name',
  'agency',
  'who',
  'where',
  'documents',
  'fee',
  'time_limit',
  'channels',
  'legal_basis',
  'result',
  'common_issues',
  'notes',
]);
/** One of {@link UnconfirmableFieldSchema}. */
export type UnconfirmableField = z.infer<typeof UnconfirmableFieldSchema>;

const uniqueFolded = (list: string[]) =>
  new Set(list.map((s) => s.normalize('NFC').toLowerCase().trim())).size === list.length;

/** One procedure of the catalogue, as written in `flows/procedures/<code>.yaml`. */
export const ProcedureSchema = z
  .strictObject({
    code: CodeSchema,
    also_codes: z.array(CodeSchema).optional(),
    name: TextSchema,
    short_name: ShortTextSchema,
    agency: AgencySchema,
    field: FieldSchema,
    aliases: z.array(z.string().trim().min(1).max(80)).min(6).refine(uniqueFolded, 'aliases must not repeat'),
    examples: z.array(z.string().trim().min(1).max(300)).min(3).max(8),
    who: TextSchema,
    where: TextSchema.optional(),
    documents: z.array(DocumentSchema),
    fee: FeeSchema,
    time_limit: TimeLimitSchema,
    channels: ChannelsSchema,
    result: TextSchema.optional(),
    legal_basis: z.array(LegalBasisSchema).min(1),
    common_issues: z.array(TextSchema),
    notes: z.array(TextSchema).optional(),
    unconfirmed: z.array(UnconfirmableFieldSchema),
    related: z.array(CodeSchema).optional(),
    sources: z.array(z.string().trim().min(1)).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.documents.forEach((d, i) => {
      if (seen.has(d.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate document id "${d.id}"`,
          path: ['documents', i, 'id'],
        });
      }
      seen.add(d.id);
    });
    (p.also_codes ?? []).forEach((c, i) => {
      if (c === p.code) {
        ctx.addIssue({
          code: 'custom',
          message: 'also_codes repeats the main code',
          path: ['also_codes', i],
        });
      }
    });
    (p.related ?? []).forEach((c, i) => {
      if (c === p.code) {
        ctx.addIssue({
          code: 'custom',
          message: 'a procedure cannot be related to itself',
          path: ['related', i],
        });
      }
    });
  });
/** One procedure of the catalogue. */
export type Procedure = z.infer<typeof ProcedureSchema>;

/** The desk an OA speaks for: name, address, opening hours, phone. */
export const OfficeSchema = z.strictObject({
  name: TextSchema,
  address: TextSchema,
  hours: TextSchema,
  phone: z
    .string()
    .regex(/^\+?[0-9 .-]{6,20}$/, 'must be a phone number')
    .optional(),
});
/** The office block of an override. */
export type Office = z.infer<typeof OfficeSchema>;

/** What an OA may change about one procedure; objects merge into the national entry, lists replace. */
export const ProcedureOverrideSchema = z.strictObject({
  fee: FeeSchema.partial().optional(),
  time_limit: TimeLimitSchema.partial().optional(),
  channels: ChannelsSchema.partial().optional(),
  notes: z.array(TextSchema).optional(),
});
/** One procedure's override. */
export type ProcedureOverride = z.infer<typeof ProcedureOverrideSchema>;

/** Per-OA overrides, as written in `flows/overrides/<oaId>.yaml`. */
export const OverrideSchema = z.strictObject({
  oa_id: z.string().trim().min(1),
  office: OfficeSchema.optional(),
  provincial_portal_url: UrlSchema.optional(),
  procedures: z.record(CodeSchema, ProcedureOverrideSchema).optional(),
});
/** One OA's override file. */
export type Override = z.infer<typeof OverrideSchema>;
