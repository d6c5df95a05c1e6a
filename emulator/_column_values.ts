/**
 * The emulator's column-value codec: the column kinds it serves, the raw
 * `value` JSON and `text` monday gives each of them (SYNC-FACTS §5), the
 * values seeded on demand from a hash, and how mutation input is normalized
 * into the stored value.
 *
 * @module
 */

/** Column types the emulator serves (monday's `ColumnType` names). */
export type ColumnKind =
  | "name"
  | "text"
  | "long_text"
  | "status"
  | "numbers"
  | "date"
  | "people"
  | "checkbox"
  | "email"
  | "file"
  | "dropdown"
  | "timeline"
  | "link"
  | "tags"
  | "board_relation"
  | "mirror"
  | "formula"
  | "subtasks";

/** Every column kind, in the order of the enum the schema serves. */
export const COLUMN_KINDS: readonly ColumnKind[] = [
  "name",
  "text",
  "long_text",
  "status",
  "numbers",
  "date",
  "people",
  "checkbox",
  "email",
  "file",
  "dropdown",
  "timeline",
  "link",
  "tags",
  "board_relation",
  "mirror",
  "formula",
  "subtasks",
];

/**
 * The legacy type names monday writes in activity logs (`data.column_type`)
 * and webhooks (`columnType`), e.g. `color` for a status column.
 */
export const LEGACY_COLUMN_TYPES: Record<ColumnKind, string> = {
  name: "name",
  text: "text",
  long_text: "long-text",
  status: "color",
  numbers: "numeric",
  date: "date",
  people: "multiple-person",
  checkbox: "boolean",
  email: "email",
  file: "file",
  dropdown: "dropdown",
  timeline: "timerange",
  link: "link",
  tags: "tag",
  board_relation: "board-relation",
  mirror: "lookup",
  formula: "formula",
  subtasks: "subtasks",
};

/** Kinds whose values are computed by monday and cannot be written. */
export const READ_ONLY_KINDS: ReadonlySet<ColumnKind> = new Set([
  "mirror",
  "formula",
  "subtasks",
]);

/** A board column. */
export interface ColumnRecord {
  id: string;
  title: string;
  type: ColumnKind;
  description: string | null;
  width: number | null;
  settings: Record<string, unknown>;
  /** Bumped on every change of title, description or settings. */
  revision: number;
}

/** A column value as monday serves it: raw JSON string plus display text. */
export interface CellValue {
  value: string | null;
  /** `null` where monday sends null (mirror, formula, subtasks). */
  text: string | null;
  /** The parsed value (absent when empty). */
  data?: unknown;
}

/** The status labels every seeded status column carries. */
export const STATUS_LABELS: Record<string, string> = {
  "0": "Working on it",
  "1": "Done",
  "2": "Stuck",
  "5": "",
};

/** The status label styles (colors) by index. */
export const STATUS_COLORS: Record<string, string> = {
  "0": "#fdab3d",
  "1": "#00c875",
  "2": "#df2f4a",
  "5": "#c4c4c4",
};

/** The labels every seeded dropdown column carries. */
const DROPDOWN_LABELS: readonly { id: number; name: string }[] = [
  { id: 1, name: "Alpha" },
  { id: 2, name: "Beta" },
  { id: 3, name: "Gamma" },
  { id: 4, name: "Delta" },
];

/** What the codec needs to look up while rendering and validating. */
export interface CodecLookups {
  userName(id: string): string | undefined;
  tagName(id: string): string | undefined;
  assetUrl(id: string): string;
  itemExists(id: string): boolean;
}

/** The seeded inputs of one cell. */
export interface SeedInput {
  /** A 32-bit hash of (seed, board, item, column). */
  hash: number;
  /** The item's seed index (for texts that name it). */
  index: number;
  /** The `changed_at` stamp, ISO seconds. */
  changedAt: string;
  /** Start of the emulator's first day, ms. */
  dayBase: number;
  /** Seeded user ids and names to pick people from. */
  users: readonly { id: string; name: string; email: string }[];
  /** Seeded tag ids and names. */
  tags: readonly { id: string; name: string }[];
  /** Items a board-relation column may link to. */
  linkable: readonly { id: string }[];
}

/** An empty cell. */
export const EMPTY: CellValue = Object.freeze({ value: null, text: "" });
const NULL_TEXT: CellValue = Object.freeze({ value: null, text: null });
const STATUS_INDEXES = ["0", "1", "2", "5"];
const TEXTS = ["Call back", "Waiting on legal", "Ready", "Blocked", "Q4"];
const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The empty cell of a column kind (status, dropdown, mirror, formula and
 * subtasks have a null text; the others an empty one).
 *
 * @param kind The column kind.
 * @returns The empty cell.
 */
export function emptyCell(kind: ColumnKind): CellValue {
  return READ_ONLY_KINDS.has(kind) || NULL_WHEN_EMPTY.has(kind)
    ? NULL_TEXT
    : EMPTY;
}

/** Kinds whose empty cell has a null `text` (SYNC-FACTS §5). */
const NULL_WHEN_EMPTY: ReadonlySet<ColumnKind> = new Set([
  "status",
  "dropdown",
]);

/**
 * Computes a seeded value: about one in ten is empty (status never is).
 *
 * @param column The column.
 * @param seed The hash and context of the cell.
 * @returns The cell.
 */
export function seededCell(column: ColumnRecord, seed: SeedInput): CellValue {
  const h = seed.hash;
  if (READ_ONLY_KINDS.has(column.type)) return NULL_TEXT;
  if (column.type !== "status" && column.type !== "name" && h % 10 === 0) {
    return emptyCell(column.type);
  }
  const changedAt = seed.changedAt;
  const stamp = `"changed_at":"${changedAt}"`;
  switch (column.type) {
    case "text": {
      const text = TEXTS[h % TEXTS.length]!;
      return { value: `"${text}"`, text, data: text };
    }
    case "long_text": {
      const text = `Note ${seed.index + 1}: ${TEXTS[h % TEXTS.length]}`;
      return {
        value: `{"text":"${text}",${stamp}}`,
        text,
        data: { text, changed_at: changedAt },
      };
    }
    case "status": {
      const index = STATUS_INDEXES[h % 4]!;
      return {
        value: `{"index":${index},"post_id":null,${stamp}}`,
        text: STATUS_LABELS[index]!,
        data: { index: Number(index), post_id: null, changed_at: changedAt },
      };
    }
    case "numbers": {
      const text = String(h % 1000);
      return { value: `"${text}"`, text, data: text };
    }
    case "date": {
      const date = isoDate(seed.dayBase + ((h % 120) - 60) * DAY_MS);
      return {
        value: `{"date":"${date}","icon":null,${stamp}}`,
        text: date,
        data: { date, icon: null, changed_at: changedAt },
      };
    }
    case "people": {
      const user = seed.users[h % seed.users.length]!;
      return {
        value:
          `{"personsAndTeams":[{"id":${user.id},"kind":"person"}],${stamp}}`,
        text: user.name,
        data: {
          personsAndTeams: [{ id: Number(user.id), kind: "person" }],
          changed_at: changedAt,
        },
      };
    }
    case "checkbox":
      return h % 2 === 0
        ? {
          value: `{"checked":true,${stamp}}`,
          text: "v",
          data: { checked: true, changed_at: changedAt },
        }
        : EMPTY;
    case "email": {
      const user = seed.users[h % seed.users.length]!;
      return {
        value: `{"email":"${user.email}","text":"${user.email}"}`,
        text: user.email,
        data: { email: user.email, text: user.email },
      };
    }
    case "dropdown": {
      const first = DROPDOWN_LABELS[(h >>> 3) % DROPDOWN_LABELS.length]!;
      const second = DROPDOWN_LABELS[(h >>> 6) % DROPDOWN_LABELS.length]!;
      const picked = h % 3 === 0 && second.id !== first.id
        ? [first, second].sort((a, b) => a.id - b.id)
        : [first];
      const ids = picked.map((l) => l.id);
      return {
        value: `{"ids":[${ids.join(",")}],${stamp}}`,
        text: picked.map((l) => l.name).join(", "),
        data: { ids, changed_at: changedAt },
      };
    }
    case "timeline": {
      const from = isoDate(seed.dayBase + ((h % 60) - 30) * DAY_MS);
      const to = isoDate(Date.parse(from) + ((h >>> 5) % 14) * DAY_MS);
      return {
        value: `{"to":"${to}","from":"${from}",${stamp}}`,
        text: `${from} - ${to}`,
        data: { to, from, changed_at: changedAt },
      };
    }
    case "link": {
      const n = seed.index + 1;
      const url = `https://example.com/docs/${n}`;
      const text = `Doc ${n}`;
      return {
        value: `{"url":"${url}","text":"${text}",${stamp}}`,
        text: `${text} - ${url}`,
        data: { url, text, changed_at: changedAt },
      };
    }
    case "tags": {
      if (seed.tags.length === 0) return EMPTY;
      const tag = seed.tags[(h >>> 4) % seed.tags.length]!;
      return {
        value: `{"tag_ids":[${tag.id}]}`,
        text: tag.name,
        data: { tag_ids: [Number(tag.id)] },
      };
    }
    case "board_relation": {
      if (seed.linkable.length === 0) return EMPTY;
      const target = seed.linkable[(h >>> 4) % seed.linkable.length]!;
      return {
        value: `{${stamp},"linkedPulseIds":[{"linkedPulseId":${target.id}}]}`,
        text: "",
        data: {
          changed_at: changedAt,
          linkedPulseIds: [{ linkedPulseId: Number(target.id) }],
        },
      };
    }
    default:
      return EMPTY;
  }
}

/**
 * Renders a stored value JSON into the cell monday serves.
 *
 * @param column The column.
 * @param value The stored value JSON, or null for an empty cell.
 * @param lookups Names of users, tags and asset URLs.
 * @returns The cell.
 */
export function renderCell(
  column: ColumnRecord,
  value: string | null,
  lookups: CodecLookups,
): CellValue {
  if (value === null) return emptyCell(column.type);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { value, text: "" };
  }
  const obj = (parsed ?? {}) as Record<string, unknown>;
  const out = (text: string): CellValue => ({ value, text, data: parsed });
  switch (column.type) {
    case "name":
      return { value: null, text: String(parsed) };
    case "text":
    case "numbers":
      return out(parsed === null ? "" : String(parsed));
    case "long_text":
      return out(String(obj.text ?? ""));
    case "status":
      return out(labelOf(column, String(obj.index)) ?? "");
    case "date":
      return out(
        obj.time ? `${obj.date} ${obj.time}` : String(obj.date ?? ""),
      );
    case "people": {
      const list = (obj.personsAndTeams ?? []) as { id: number }[];
      return out(
        list.map((p) => lookups.userName(String(p.id)) ?? "")
          .filter((n) => n).join(", "),
      );
    }
    case "checkbox":
      return out(obj.checked ? "v" : "");
    case "email":
      return out(String(obj.text ?? obj.email ?? ""));
    case "file": {
      const files = (obj.files ?? []) as { assetId: number }[];
      return out(
        files.map((f) => lookups.assetUrl(String(f.assetId))).join(", "),
      );
    }
    case "dropdown": {
      const ids = (obj.ids ?? []) as number[];
      return out(
        ids.map((id) => dropdownLabels(column).find((l) => l.id === id)?.name)
          .filter((n) => n !== undefined).join(", "),
      );
    }
    case "timeline":
      return out(obj.from && obj.to ? `${obj.from} - ${obj.to}` : "");
    case "link":
      return out(
        obj.url ? `${String(obj.text ?? obj.url)} - ${String(obj.url)}` : "",
      );
    case "tags": {
      const ids = (obj.tag_ids ?? []) as number[];
      return out(
        ids.map((id) => lookups.tagName(String(id))).filter((n) => n)
          .join(", "),
      );
    }
    case "board_relation":
      return out("");
    default:
      return NULL_TEXT;
  }
}

/**
 * The label of a status index on a column (its settings, else the defaults).
 *
 * @param column The status column.
 * @param index The index as a string.
 * @returns The label, or undefined if the index does not exist.
 */
export function labelOf(
  column: ColumnRecord,
  index: string,
): string | undefined {
  const labels = column.settings.labels as Record<string, string> | undefined;
  return (labels ?? STATUS_LABELS)[index];
}

/**
 * The labels of a dropdown column.
 *
 * @param column The dropdown column.
 * @returns Its `{id, name}` labels.
 */
export function dropdownLabels(
  column: ColumnRecord,
): { id: number; name: string }[] {
  return (column.settings.labels as { id: number; name: string }[]) ??
    [...DROPDOWN_LABELS];
}

/** Thrown by the codec for a value a column cannot hold. */
export class ColumnValueError extends Error {
  /** The column. */
  readonly column: ColumnRecord;

  /**
   * Creates the error.
   *
   * @param column The column.
   * @param why What is wrong.
   */
  constructor(column: ColumnRecord, why: string) {
    super(`invalid value for column '${column.id}': ${why}`);
    this.name = "ColumnValueError";
    this.column = column;
  }
}

/**
 * Normalizes a value given to a mutation into the stored value JSON.
 *
 * @param column The column.
 * @param raw The value as given: a string, a parsed object, null.
 * @param lookups For checking user, tag and item ids.
 * @returns The value JSON, or null for a cleared value.
 * @throws {ColumnValueError} On a value the column cannot hold.
 */
export function normalizeCell(
  column: ColumnRecord,
  raw: unknown,
  lookups: CodecLookups,
): string | null {
  const bad = (why: string): never => {
    throw new ColumnValueError(column, why);
  };
  if (READ_ONLY_KINDS.has(column.type)) {
    bad(`a ${column.type} column is computed by monday and cannot be changed`);
  }
  if (raw === null || raw === undefined || raw === "") return null;
  const obj = typeof raw === "object" ? raw as Record<string, unknown> : {};
  const list = (text: string) =>
    text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  switch (column.type) {
    case "name":
    case "text":
      return JSON.stringify(
        typeof raw === "object" ? JSON.stringify(raw) : String(raw),
      );
    case "long_text":
      return JSON.stringify({
        text: typeof raw === "object" ? String(obj.text ?? "") : String(raw),
      });
    case "numbers": {
      const text = typeof raw === "object" ? "" : String(raw).trim();
      if (text === "" || !Number.isFinite(Number(text))) {
        bad(`'${text}' is not a number`);
      }
      return JSON.stringify(text);
    }
    case "status": {
      const labels =
        (column.settings.labels as Record<string, string> | undefined) ??
          STATUS_LABELS;
      const byLabel = (label: string) =>
        Object.entries(labels).find(([, l]) => l === label)?.[0];
      let index: string | undefined;
      if (typeof raw === "object") {
        if (obj.index !== undefined) index = String(obj.index);
        else if (obj.label !== undefined) {
          index = byLabel(String(obj.label));
          if (index === undefined) {
            bad(`label '${String(obj.label)}' does not exist`);
          }
        }
      } else {
        const text = String(raw);
        index = byLabel(text) ??
          (labels[text] !== undefined ? text : undefined);
        if (index === undefined) bad(`label '${text}' does not exist`);
      }
      if (index === undefined || labels[index] === undefined) {
        bad(`index '${index}' does not exist`);
      }
      return JSON.stringify({ index: Number(index), post_id: null });
    }
    case "date": {
      const date = typeof raw === "object"
        ? String(obj.date ?? "")
        : String(raw).split(" ")[0]!;
      const time = typeof raw === "object"
        ? obj.time
        : String(raw).split(" ")[1];
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || isNaN(Date.parse(date))) {
        bad(`'${date}' is not a date (YYYY-MM-DD)`);
      }
      return JSON.stringify(
        time ? { date, time: String(time), icon: null } : { date, icon: null },
      );
    }
    case "people": {
      let ids: string[];
      if (typeof raw === "object") {
        const entries = (obj.personsAndTeams ?? obj.ids ?? []) as unknown[];
        ids = entries.map((p) =>
          typeof p === "object" && p !== null
            ? String((p as { id: unknown }).id)
            : String(p)
        );
      } else ids = list(String(raw));
      for (const id of ids) {
        if (lookups.userName(id) === undefined) {
          bad(`user '${id}' does not exist`);
        }
      }
      if (ids.length === 0) return null;
      return JSON.stringify({
        personsAndTeams: ids.map((id) => ({ id: Number(id), kind: "person" })),
      });
    }
    case "checkbox": {
      const checked = typeof raw === "object"
        ? String(obj.checked) === "true"
        : String(raw) === "true" || String(raw) === "v";
      return checked ? JSON.stringify({ checked: true }) : null;
    }
    case "email": {
      const email = typeof raw === "object"
        ? String(obj.email ?? "")
        : String(raw).split(" ")[0]!;
      if (!email.includes("@")) bad(`'${email}' is not an email address`);
      const text = typeof raw === "object"
        ? String(obj.text ?? email)
        : String(raw).slice(email.length).trim() || email;
      return JSON.stringify({ email, text });
    }
    case "dropdown": {
      const labels = dropdownLabels(column);
      let ids: number[];
      if (typeof raw === "object" && Array.isArray(obj.ids)) {
        ids = obj.ids.map(Number);
      } else {
        const names = typeof raw === "object"
          ? ((obj.labels ?? []) as unknown[]).map(String)
          : list(String(raw));
        ids = names.map((name) => {
          const found = labels.find((l) => l.name === name) ??
            labels.find((l) => String(l.id) === name);
          return found ? found.id : bad(`label '${name}' does not exist`);
        });
      }
      for (const id of ids) {
        if (!labels.some((l) => l.id === id)) {
          bad(`dropdown id '${id}' does not exist`);
        }
      }
      if (ids.length === 0) return null;
      return JSON.stringify({ ids: [...new Set(ids)] });
    }
    case "timeline": {
      const [from, to] = typeof raw === "object"
        ? [String(obj.from ?? ""), String(obj.to ?? "")]
        : String(raw).split(/\s+-\s+|\s+/) as [string, string];
      for (const date of [from, to]) {
        if (
          !date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || isNaN(Date.parse(date))
        ) {
          bad(`'${String(date)}' is not a date (YYYY-MM-DD)`);
        }
      }
      if (from > to) bad(`'from' (${from}) is after 'to' (${to})`);
      return JSON.stringify({ to, from });
    }
    case "link": {
      const url = typeof raw === "object"
        ? String(obj.url ?? "")
        : String(raw).split(" ")[0]!;
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) bad(`'${url}' is not a URL`);
      const text = typeof raw === "object"
        ? String(obj.text ?? url)
        : String(raw).slice(url.length).trim() || url;
      return JSON.stringify({ url, text });
    }
    case "tags": {
      const ids = typeof raw === "object"
        ? ((obj.tag_ids ?? []) as unknown[]).map(String)
        : list(String(raw));
      for (const id of ids) {
        if (lookups.tagName(id) === undefined) {
          bad(`tag '${id}' does not exist`);
        }
      }
      if (ids.length === 0) return null;
      return JSON.stringify({ tag_ids: ids.map(Number) });
    }
    case "board_relation": {
      const ids = typeof raw === "object"
        ? ((obj.item_ids ?? (obj.linkedPulseIds as
          | { linkedPulseId: unknown }[]
          | undefined)?.map((l) => l.linkedPulseId) ??
          []) as unknown[])
          .map(String)
        : list(String(raw));
      for (const id of ids) {
        if (!lookups.itemExists(id)) bad(`item '${id}' does not exist`);
      }
      if (ids.length === 0) return null;
      return JSON.stringify({
        linkedPulseIds: ids.map((id) => ({ linkedPulseId: Number(id) })),
      });
    }
    case "file":
      return bad("files can only be added with add_file_to_column");
    default:
      return bad(`a ${column.type} column cannot be changed`);
  }
}

/**
 * Parses a mutation's value argument: a JSON string is parsed (text columns
 * keep a plain string), anything else is returned as is.
 *
 * @param column The column.
 * @param raw The value as given.
 * @returns The value to normalize.
 */
export function parseInput(column: ColumnRecord, raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  const trimmed = raw.trim();
  if (column.type === "text") {
    if (!trimmed.startsWith('"')) return raw;
  } else if (
    !trimmed.startsWith("{") && !trimmed.startsWith('"') &&
    !trimmed.startsWith("[")
  ) return raw;
  try {
    return JSON.parse(trimmed);
  } catch {
    return raw;
  }
}

/**
 * The default settings of a new column of a kind.
 *
 * @param kind The column kind.
 * @returns Its settings object.
 */
export function defaultSettings(kind: ColumnKind): Record<string, unknown> {
  switch (kind) {
    case "status":
      return { labels: { ...STATUS_LABELS } };
    case "dropdown":
      return { labels: DROPDOWN_LABELS.map((l) => ({ ...l })) };
    default:
      return {};
  }
}
