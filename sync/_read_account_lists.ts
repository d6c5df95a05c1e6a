/**
 * The account tables (`users`, `workspaces`, `teams`, `team_users`, `tags`)
 * read from monday.com, each list whole.
 *
 * @module
 */

import { PermissionError } from "../graphql/mod.ts";
import type { Cell } from "./target.ts";
import {
  type SyncRequest,
  TEAMS_TAGS_DOCUMENT,
  USERS_DOCUMENT,
  USERS_PAGE,
  WORKSPACES_DOCUMENT,
  WORKSPACES_PAGE,
} from "./_documents.ts";

/**
 * Reads the account lists. A token without a list's scope (workspaces:read,
 * teams:read, tags:read) leaves that table out (so the target keeps it as it
 * was), with a warning; the rest is read.
 *
 * @param request Sends one GraphQL request (and counts it).
 * @param warnings Where a skipped list's warning goes.
 * @returns The rows of each table read, by table name.
 * @throws {MondayApiError} If monday refuses a read for another reason than
 * a missing scope, or refuses the users list.
 */
export async function readAccountLists(
  request: SyncRequest,
  warnings: string[],
): Promise<Record<string, Cell[][]>> {
  const users: Cell[][] = [];
  for (let page = 1;; page++) {
    const data = await request<
      { users: Record<string, string | null>[] | null }
    >(USERS_DOCUMENT, { limit: USERS_PAGE, page });
    const list = data.users ?? [];
    for (const u of list) {
      users.push([
        u.id!,
        u.name ?? null,
        u.email ?? null,
        u.title ?? null,
        u.kind ?? null,
        u.status ?? null,
        u.created_at ?? null,
      ]);
    }
    if (list.length < USERS_PAGE) break;
  }
  const tablesRead: Record<string, Cell[][]> = { users };
  const optional = async (names: string[], read: () => Promise<void>) => {
    try {
      await read();
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      warnings.push(`Skipped ${names.join(", ")}: ${error.message}`);
      for (const name of names) delete tablesRead[name];
    }
  };
  const workspaces: Cell[][] = [];
  await optional(["workspaces"], async () => {
    for (let page = 1;; page++) {
      const data = await request<
        { workspaces: (Record<string, string | null> | null)[] | null }
      >(WORKSPACES_DOCUMENT, { limit: WORKSPACES_PAGE, page });
      const list = data.workspaces ?? [];
      for (const w of list) {
        if (!w?.id) continue;
        workspaces.push([
          w.id,
          w.name ?? null,
          w.kind ?? null,
          w.state ?? null,
          w.description ?? null,
          w.created_at ?? null,
        ]);
      }
      if (list.length < WORKSPACES_PAGE) break;
    }
    tablesRead.workspaces = workspaces;
  });
  await optional(["teams", "team_users", "tags"], async () => {
    const teamsTags = await request<{
      teams: ({
        id: string;
        name: string;
        is_guest: boolean | null;
        created_at: string | null;
        users: ({ id: string } | null)[] | null;
      } | null)[] | null;
      tags: ({ id: string; name: string; color: string } | null)[] | null;
    }>(TEAMS_TAGS_DOCUMENT, {});
    const teams: Cell[][] = [];
    const teamUsers = new Map<string, Cell[]>();
    for (const t of teamsTags.teams ?? []) {
      if (!t) continue;
      teams.push([t.id, t.name, t.is_guest ?? null, t.created_at ?? null]);
      for (const u of t.users ?? []) {
        if (u) teamUsers.set(`${t.id}/${u.id}`, [t.id, u.id]);
      }
    }
    const tags: Cell[][] = (teamsTags.tags ?? []).filter((t) => !!t).map((
      t,
    ) => [t!.id, t!.name, t!.color ?? null]);
    tablesRead.teams = teams;
    tablesRead.team_users = [...teamUsers.values()];
    tablesRead.tags = tags;
  });
  return tablesRead;
}
