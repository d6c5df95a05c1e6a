/**
 * The emulator's seed data: users, teams, tags, workspaces, boards with
 * their columns and groups, items, subitems and updates, all derived from
 * the seed so that equal seeds give equal accounts. Column values are not
 * stored here: the codec computes them on demand.
 *
 * @module
 */

import { createRandom, hashInts } from "./_random.ts";
import {
  basicColumns,
  MAIN_WORKSPACE_ID,
  type Model,
  type ModelOptions,
  newColumn,
  newGroup,
} from "./_model.ts";

const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "John",
  "Katherine",
  "Linus",
  "Margaret",
  "Niklaus",
  "Radia",
  "Tim",
  "Ken",
  "Hedy",
];
const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Backus",
  "Johnson",
  "Torvalds",
  "Hamilton",
  "Wirth",
  "Perlman",
  "Berners",
  "Thompson",
  "Lamarr",
];
const TITLES = ["Engineer", "Designer", "Manager", "Analyst", "Director"];
const WORDS = [
  "Plan",
  "Review",
  "Ship",
  "Draft",
  "Fix",
  "Design",
  "Test",
  "Launch",
  "Audit",
  "Migrate",
  "Document",
  "Refactor",
];
const NOUNS = [
  "roadmap",
  "invoice",
  "landing page",
  "API",
  "release",
  "budget",
  "onboarding",
  "report",
  "dashboard",
  "contract",
];
const TAGS: readonly [string, string][] = [
  ["urgent", "#e2445c"],
  ["customer", "#579bfc"],
  ["internal", "#00c875"],
  ["q4", "#fdab3d"],
  ["backlog", "#a25ddc"],
];
const BOARD_NAMES = ["Emulated Tasks", "Marketing Plan", "Hiring", "Budget"];
const UPDATE_TEXTS = [
  "Looks good to me",
  "Waiting for the client's answer",
  "Moved the deadline, see the thread",
  "Done, please review",
];
const DAY_MS = 86_400_000;
const FIRST_USER_ID = 40_000_001;
/** How many items of each board get seeded updates. */
const ITEMS_WITH_UPDATES = 20;

/**
 * Seeds an empty model.
 *
 * The first board ("Emulated Tasks") has the basic columns and `items`
 * items; every other board adds dropdown, timeline, link, tags, a board
 * relation to the first board, a mirror of the first board's status through
 * it, and a formula, with `itemsPerBoard` items. With `subitems` > 0 every
 * board gets a `sub_items_board` and each item that many subitems.
 *
 * @param model The model to fill.
 * @param options Seed and sizes.
 */
export function seedAccount(model: Model, options: ModelOptions): void {
  const random = createRandom(options.seed);
  for (let i = 0; i < Math.max(1, options.users); i++) {
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
    model.addUser({
      id: String(FIRST_USER_ID + i),
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
      title: TITLES[Math.floor(random() * TITLES.length)]!,
      kind: i === 0 ? "admin" : i % 7 === 6 ? "guest" : "member",
      createdAt: model.createdAt + i * DAY_MS,
      timeZone: "Etc/UTC",
    });
  }
  const users = model.users;
  const teams: [string, (i: number) => boolean][] = [
    ["Engineering", (i) => i % 3 === 0],
    ["Marketing", (i) => i % 3 === 1],
    ["Everyone", () => true],
  ];
  teams.forEach(([name, member], t) => {
    const userIds = users.filter((_, i) => member(i)).map((u) => u.id);
    model.teams.push({
      id: String(600_001 + t),
      name,
      userIds,
      ownerIds: userIds.slice(0, 1),
      createdAt: model.createdAt + t * DAY_MS,
    });
  });
  for (const [name, color] of TAGS) model.addTag(name, color);
  model.workspaces.push(
    {
      id: MAIN_WORKSPACE_ID,
      name: "Main workspace",
      kind: "open",
      state: "active",
      description: null,
      createdAt: model.createdAt,
    },
    {
      id: "1000002",
      name: "Operations",
      kind: "open",
      state: "active",
      description: "Seeded workspace",
      createdAt: model.createdAt + DAY_MS,
    },
    {
      id: "1000003",
      name: "Old projects",
      kind: "closed",
      state: "archived",
      description: "An archived workspace",
      createdAt: model.createdAt + 2 * DAY_MS,
    },
  );

  const boardCount = Math.max(1, options.boards);
  const admin = users[0]!.id;
  for (let b = 0; b < boardCount; b++) {
    const name = BOARD_NAMES[b] ?? `Board ${b + 1}`;
    const columns = basicColumns();
    if (b > 0) {
      const first = model.boards[0]!.id;
      columns.push(
        newColumn("dropdown", "Dropdown", "dropdown"),
        newColumn("timeline", "Timeline", "timeline"),
        newColumn("link", "Link", "link"),
        newColumn("tags", "Tags", "tags"),
        newColumn("connect_boards", "Tasks", "board_relation", {
          allowMultipleItems: true,
          allowCreateReflectionColumn: false,
          boardIds: [Number(first)],
        }),
        newColumn("mirror", "Task status", "mirror", {
          relation_column: { connect_boards: true },
          displayed_linked_columns: { [first]: ["status"] },
        }),
        newColumn("formula", "Double", "formula", {
          formula: "{numbers}*2",
        }),
      );
    }
    const board = model.addBoard({
      name,
      kind: "public",
      ownerId: admin,
      createdAt: model.createdAt + b * DAY_MS,
      workspaceId: b % 2 === 0 ? MAIN_WORKSPACE_ID : "1000002",
      description: `Seeded board '${name}'`,
      columns,
      groups: [
        newGroup("topics", "This week", 0),
        newGroup("group_next", "Next week", 1),
        newGroup("group_later", "Later", 2),
      ],
    });
    const count = b === 0
      ? Math.max(0, options.items)
      : Math.max(0, options.itemsPerBoard ?? 5);
    const groups = board.groups;
    for (let i = 0; i < count; i++) {
      const h = hashInts(options.seed, b, i);
      const createdAt = model.createdAt + i * 60_000;
      model.addItem(board, {
        seedIndex: i,
        groupId: groups[i % groups.length]!.id,
        name: `${WORDS[h % WORDS.length]} ${NOUNS[(h >>> 8) % NOUNS.length]} #${
          i + 1
        }`,
        creatorId: users[(h >>> 16) % users.length]!.id,
        createdAt,
        updatedAt: createdAt,
      });
    }
  }

  const perItem = Math.max(0, options.subitems ?? 0);
  if (perItem > 0) {
    for (const board of model.boards.slice(0, boardCount)) {
      if (board.items.length === 0) continue;
      const sub = model.addSubitemsBoard(board, board.createdAt);
      let index = 0;
      for (const parent of board.items) {
        for (let k = 0; k < perItem; k++) {
          const h = hashInts(options.seed, sub.hashIndex, index);
          const createdAt = parent.createdAt + (k + 1) * 1000;
          const item = model.addItem(sub, {
            seedIndex: index++,
            groupId: "topics",
            name: `Subitem ${k + 1} of #${parent.seedIndex + 1}`,
            creatorId: users[(h >>> 16) % users.length]!.id,
            createdAt,
            updatedAt: createdAt,
            parentId: parent.id,
          });
          (parent.subitemIds ??= []).push(item.id);
        }
      }
    }
  }

  for (const board of model.boards) {
    const items = board.items.slice(0, ITEMS_WITH_UPDATES);
    for (const item of items) {
      const h = hashInts(options.seed, board.hashIndex, item.seedIndex, 77);
      for (let k = 0; k < h % 3; k++) {
        const text = UPDATE_TEXTS[(h >>> (4 + k)) % UPDATE_TEXTS.length]!;
        model.addUpdate(item, `<p>${text}</p>`, {
          userId: users[(h >>> (8 + k)) % users.length]!.id,
          now: item.createdAt + (k + 1) * 3_600_000,
        });
      }
    }
  }
}
