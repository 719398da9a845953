import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadYamlFile, type Problem } from '../catalogue/index.js';
import type { Logger } from '../log.js';
import { foldWord, wordsOf } from './spelling.js';
import type { BroadcastTopic } from './topics.js';

/**
 * `flows/broadcasts/topics.yaml`: the topics residents can follow by chat, a default list and an
 * optional list per OA that replaces it. Checked with zod at load; a broken file is refused with
 * file and line and the last good version keeps serving.
 */

/** Where the topics file lives relative to the flows folder. */
export const TOPICS_FILE = path.join('broadcasts', 'topics.yaml');

/** Zalo shows at most five buttons under a message, and topics are offered as buttons. */
export const MAX_TOPICS = 5;

const TopicSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}$/, 'must be a short id of a-z, 0-9 and "-"'),
  tag: z.string().trim().min(1).max(40),
  title: z.strictObject({ vi: z.string().trim().min(1).max(20), en: z.string().trim().min(1).max(20) }),
  synonyms: z.array(z.string().trim().min(1).max(60)).default([]),
});

const folded = (s: string) => wordsOf(s).map(foldWord).join(' ');

const TopicListSchema = z
  .array(TopicSchema)
  .min(1)
  .max(MAX_TOPICS, `at most ${MAX_TOPICS} topics (Zalo shows five buttons under a message)`)
  .superRefine((list, ctx) => {
    const ids = new Set<string>();
    const names = new Map<string, string>();
    list.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({ code: 'custom', message: `id "${t.id}" is used twice`, path: [i, 'id'] });
      ids.add(t.id);
      for (const name of [t.tag, t.title.vi, t.title.en, ...t.synonyms]) {
        const key = folded(name);
        const owner = names.get(key);
        if (owner !== undefined && owner !== t.id)
          ctx.addIssue({ code: 'custom', message: `"${name}" also names topic ${owner}`, path: [i] });
        names.set(key, t.id);
      }
    });
  });

/** The topics file as written. */
export const TopicsFileSchema = z.strictObject({
  default: TopicListSchema,
  oa: z.record(z.string().trim().min(1), TopicListSchema).optional(),
});

/** The topics file, parsed. */
export type TopicsFile = z.infer<typeof TopicsFileSchema>;

/** The topics a process serves, reloadable. */
export interface TopicStore {
  /** The topics of one OA (its own list, else the default; empty when there is no file). */
  forOa(oaId: string): readonly BroadcastTopic[];
  /** Reads the file again; a broken file keeps the last good version. Resolves to its problems. */
  reload(): Promise<Problem[]>;
}

/** Reads and checks a topics file; a missing file means no topics. */
export async function loadTopicsFile(
  flowsDir: string,
): Promise<{ ok: true; value: TopicsFile | undefined } | { ok: false; problems: Problem[] }> {
  const file = path.join(flowsDir, TOPICS_FILE);
  if (!existsSync(file)) return { ok: true, value: undefined };
  const res = await loadYamlFile(file, TopicsFileSchema, { root: flowsDir });
  return res.ok ? { ok: true, value: res.value } : res;
}

/** A store over `flowsDir`'s topics file; call `reload()` once before serving. */
export function createTopicStore(opts: { flowsDir: string; logger?: Pick<Logger, 'warn'> }): TopicStore {
  let current: TopicsFile | undefined;
  return {
    forOa(oaId) {
      return current?.oa?.[oaId] ?? current?.default ?? [];
    },
    async reload() {
      const res = await loadTopicsFile(opts.flowsDir);
      if (res.ok) {
        current = res.value;
        return [];
      }
      for (const p of res.problems)
        opts.logger?.warn(
          { file: p.file, line: p.line, reason: p.reason, keptPrevious: current !== undefined },
          'topics file refused',
        );
      return res.problems;
    },
  };
}
