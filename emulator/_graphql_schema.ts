/**
 * The emulator's GraphQL schema: a hand-written subset of monday.com's API
 * (version 2026-10). Every type, field and argument here exists in monday's
 * real schema with the same type; `tests/emulator/schema_subset_test.ts`
 * proves it.
 *
 * @module
 */

/** The SDL the emulator serves and executes. */
export const EMULATOR_SDL: string = `"""
The emulator's subset of monday.com's GraphQL API.
"""
schema {
  query: Query
  mutation: Mutation
}

"A date, ISO 8601."
scalar Date

"A date and time, ISO 8601 in UTC."
scalar ISO8601DateTime

"Any JSON value; column values are JSON-encoded strings."
scalar JSON

"A file uploaded as multipart form data (POST /v2/file)."
scalar File

"A value to compare a column with in items_page rules."
scalar CompareValue

type Query {
  "The user the token belongs to."
  me: User
  "The account the token belongs to."
  account: Account
  "Users of the account."
  users(
    ids: [ID!]
    name: String
    emails: [String!]
    kind: UserKind
    non_active: Boolean
    newest_first: Boolean
    limit: Int = 200
    page: Int = 1
  ): [User!]
  "Boards, by id or paged."
  boards(
    ids: [ID!]
    board_kind: BoardKind
    hierarchy_types: [BoardHierarchy!]
    state: State = active
    workspace_ids: [ID]
    order_by: BoardsOrderBy
    limit: Int = 25
    page: Int = 1
  ): [Board]
  "Items by id (at most 100)."
  items(
    ids: [ID!]
    limit: Int = 25
    page: Int = 1
    newest_first: Boolean
    exclude_nonactive: Boolean
  ): [Item]
  "Updates of the account, newest first."
  updates(
    limit: Int = 25
    page: Int = 1
    ids: [ID!]
    from_date: String
    to_date: String
  ): [Update!]
  "Workspaces."
  workspaces(
    ids: [ID!]
    kind: WorkspaceKind
    limit: Int = 25
    page: Int = 1
    state: State = active
  ): [Workspace]
  "Teams."
  teams(ids: [ID!]): [Team]
  "The account's public tags."
  tags(ids: [ID!]): [Tag]
  "The next page of an items_page cursor."
  next_items_page(cursor: String!, limit: Int! = 25): ItemsResponse!
  "The complexity of this query and the remaining budget."
  complexity: Complexity
  "The API version serving this request."
  version: Version!
  "The API versions."
  versions: [Version!]
  "The account's audit log, newest first."
  audit_logs(
    limit: Int = 25
    page: Int = 1
    user_id: ID
    events: [String!]
    ip_address: String
    start_time: ISO8601DateTime
    end_time: ISO8601DateTime
  ): AuditLogPage
  "The audit log events."
  audit_event_catalogue: [AuditEventCatalogueEntry!]
}

type Mutation {
  "Creates an item."
  create_item(
    board_id: ID!
    item_name: String!
    group_id: String
    column_values: JSON
    create_labels_if_missing: Boolean
  ): Item
  "Changes one column value (value is JSON)."
  change_column_value(
    board_id: ID!
    item_id: ID
    column_id: String!
    value: JSON!
    create_labels_if_missing: Boolean
  ): Item
  "Changes one column value from a simple string."
  change_simple_column_value(
    board_id: ID!
    item_id: ID
    column_id: String!
    value: String
    create_labels_if_missing: Boolean
  ): Item
  "Changes several column values at once."
  change_multiple_column_values(
    board_id: ID!
    item_id: ID
    column_values: JSON!
    create_labels_if_missing: Boolean
  ): Item
  "Creates a subitem (and the parent board's subitems board on the first)."
  create_subitem(
    parent_item_id: ID!
    item_name: String!
    column_values: JSON
    create_labels_if_missing: Boolean
  ): Item
  "Deletes an item."
  delete_item(item_id: ID): Item
  "Duplicates an item (its values, optionally its updates)."
  duplicate_item(board_id: ID!, item_id: ID, with_updates: Boolean): Item
  "Archives an item."
  archive_item(item_id: ID): Item
  "Moves an item to another group of its board."
  move_item_to_group(group_id: String!, item_id: ID): Item
  "Moves an item to another board."
  move_item_to_board(
    board_id: ID!
    group_id: ID!
    item_id: ID!
    columns_mapping: [ColumnMappingInput!]
  ): Item
  "Writes an update on an item."
  create_update(body: String!, item_id: ID, parent_id: ID): Update
  "Deletes an update."
  delete_update(id: ID!): Update
  "Creates a group."
  create_group(board_id: ID!, group_name: String!, group_color: String): Group
  "Deletes a group and its items."
  delete_group(board_id: ID!, group_id: String!): Group
  "Archives a group and its items."
  archive_group(board_id: ID!, group_id: String!): Group
  "Changes a group's title, color or position."
  update_group(
    board_id: ID!
    group_id: String!
    group_attribute: GroupAttributes!
    new_value: String!
  ): Group
  "Creates a column."
  create_column(
    board_id: ID!
    id: String
    title: String!
    description: String
    after_column_id: ID
    defaults: JSON
    column_type: ColumnType!
  ): Column
  "Changes a column's title."
  change_column_title(board_id: ID!, column_id: String!, title: String!): Column
  "Changes a column's title or description."
  change_column_metadata(
    board_id: ID!
    column_id: String!
    column_property: ColumnProperty
    value: String
  ): Column
  "Changes a column's title, description, width or settings."
  update_column(
    board_id: ID!
    id: String!
    title: String
    description: String
    width: Int
    revision: String!
    settings: JSON
    column_type: ColumnType!
  ): Column
  "Deletes a column."
  delete_column(board_id: ID!, column_id: String!): Column
  "Archives a board."
  archive_board(board_id: ID!): Board
  "Deletes a board."
  delete_board(board_id: ID!): Board
  "Renames a board or changes its description."
  update_board(
    board_id: ID!
    board_attribute: BoardAttributes!
    new_value: String!
  ): JSON
  "Finds or creates a tag."
  create_or_get_tag(board_id: ID, tag_name: String): Tag
  "Creates a board."
  create_board(
    board_name: String!
    board_kind: BoardKind!
    description: String
    workspace_id: ID
    folder_id: ID
    template_id: ID
    board_owner_ids: [ID!]
    board_subscriber_ids: [ID!]
    empty: Boolean = false
  ): Board
  "Adds a file to a file column (POST /v2/file)."
  add_file_to_column(item_id: ID!, column_id: String!, file: File!): Asset
  "The complexity of this mutation and the remaining budget."
  complexity: Complexity
}

type User {
  id: ID!
  name: String!
  email: String!
  title: String!
  url: String!
  kind: String!
  status: UserStatus!
  is_deleted: Boolean!
  account_id: ID!
  account: Account!
  created_at: ISO8601DateTime!
  country_code: String
  time_zone_identifier: String
  utc_hours_diff: Float
  teams(ids: [ID!]): [Team]
}

type Team {
  id: ID!
  name: String!
  picture_url: String
  is_guest: Boolean
  created_at: String
  owners(ids: [ID!]): [User!]!
  users(ids: [ID!], limit: Int, page: Int): [User]
}

type Tag {
  id: ID!
  name: String!
  color: String!
}

type Workspace {
  id: ID
  name: String!
  kind: WorkspaceKind
  state: State
  description: String
  created_at: Date
  is_default_workspace: Boolean
}

enum WorkspaceKind {
  closed
  open
  template
}

type Update {
  id: ID!
  body: String!
  text_body: String
  creator_id: String
  creator: User
  created_at: Date
  updated_at: Date
  edited_at: Date!
  item_id: String
  item: Item
}

type ActivityLogType {
  id: String!
  event: String!
  entity: String!
  data: String!
  user_id: String!
  account_id: String!
  created_at: String!
}

input ColumnMappingInput {
  source: ID!
  target: ID
}

enum GroupAttributes {
  color
  position
  relative_position_after
  relative_position_before
  title
}

enum ColumnProperty {
  description
  title
}

enum BoardAttributes {
  communication
  description
  item_nickname
  name
}

enum BoardHierarchy {
  classic
  multi_level
}

enum BoardObjectType {
  board
  custom_object
  document
  sub_items_board
}

enum UserStatus {
  ACTIVE
  INACTIVE
  PENDING
}

enum UserKind {
  all
  guests
  non_guests
  non_pending
}

type Account {
  id: ID!
  name: String!
  slug: String!
  tier: String
  plan: Plan
  active_members_count: Int
  country_code: String
  created_at: Date
  first_day_of_the_week: FirstDayOfTheWeek!
  show_timeline_weekends: Boolean!
  is_during_trial: Boolean
  is_trial_expired: Boolean
}

type Plan {
  max_users: Int!
  period: String
  tier: String
  version: Int!
}

enum FirstDayOfTheWeek {
  monday
  sunday
}

enum BoardKind {
  private
  public
  share
}

enum State {
  active
  all
  archived
  deleted
}

enum BoardsOrderBy {
  created_at
  used_at
}

type Board {
  id: ID!
  name: String!
  description: String
  board_kind: BoardKind!
  type: BoardObjectType
  hierarchy_type: BoardHierarchy
  state: State!
  permissions: String!
  url: String!
  workspace_id: ID
  workspace: Workspace
  tags: [Tag]
  items_count: Int
  created_at: ISO8601DateTime
  updated_at: ISO8601DateTime
  owner: User!
    @deprecated(
      reason: "This field returned creator of the board. Please use 'creator' or 'owners' fields instead."
    )
  owners: [User]!
  creator: User!
  columns(ids: [String], types: [ColumnType!]): [Column]
  groups(ids: [String]): [Group]
  top_group: Group!
  items_page(
    limit: Int! = 25
    cursor: String
    query_params: ItemsQuery
  ): ItemsResponse!
  updates(
    limit: Int = 25
    page: Int = 1
    ids: [ID!]
    board_updates_only: Boolean
    from_date: ISO8601DateTime
    to_date: ISO8601DateTime
  ): [Update!]
  "Activity on the board, newest first (limit at most 1000)."
  activity_logs(
    from: ISO8601DateTime
    to: ISO8601DateTime
    item_ids: [ID!]
    group_ids: [String]
    column_ids: [String]
    user_ids: [ID!]
    limit: Int = 25
    page: Int = 1
  ): [ActivityLogType]
}

type Column {
  id: ID!
  title: String!
  type: ColumnType!
  description: String
  width: Int
  archived: Boolean!
  settings_str: String!
    @deprecated(
      reason: "From version 2025-10, use settings instead. Will be removed in a future version."
    )
  settings: JSON
  revision: String!
}

enum ColumnType {
  name
  text
  long_text
  status
  numbers
  date
  people
  checkbox
  email
  file
  dropdown
  timeline
  link
  tags
  board_relation
  mirror
  formula
  subtasks
}

type Group {
  id: ID!
  title: String!
  color: String!
  position: String!
  archived: Boolean
  deleted: Boolean
  items_page(
    limit: Int! = 25
    cursor: String
    query_params: ItemsQuery
  ): ItemsResponse!
}

type ItemsResponse {
  cursor: String
  items: [Item!]!
}

input ItemsQuery {
  ids: [ID!]
  rules: [ItemsQueryRule!]
  groups: [ItemsQueryGroup!]
  operator: ItemsQueryOperator = and
  order_by: [ItemsQueryOrderBy!]
}

input ItemsQueryGroup {
  rules: [ItemsQueryRule!]
  groups: [ItemsQueryGroup!]
  operator: ItemsQueryOperator = and
}

input ItemsQueryRule {
  column_id: ID!
  compare_value: CompareValue!
  compare_attribute: String
  operator: ItemsQueryRuleOperator = any_of
}

input ItemsQueryOrderBy {
  column_id: String!
  direction: ItemsOrderByDirection = asc
}

enum ItemsQueryOperator {
  and
  or
}

enum ItemsOrderByDirection {
  asc
  desc
}

enum ItemsQueryRuleOperator {
  any_of
  not_any_of
  is_empty
  is_not_empty
  greater_than
  greater_than_or_equals
  lower_than
  lower_than_or_equal
  between
  contains_text
  not_contains_text
  starts_with
  ends_with
}

type Item {
  id: ID!
  name: String!
  state: State
  url: String!
  relative_link: String
  created_at: Date
  updated_at: Date
  creator_id: String!
  creator: User
  board: Board
  group: Group
  parent_item: Item
  subitems: [Item]
  updates(limit: Int = 25, page: Int = 1, ids: [ID!]): [Update!]
  column_values(ids: [String!], types: [ColumnType!]): [ColumnValue!]!
  assets(column_ids: [String]): [Asset]
}

interface ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
}

type TextValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
}

type LongTextValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
}

type StatusValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  index: Int
  label: String
  is_done: Boolean
  updated_at: Date
}

type NumbersValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  number: Float
}

type DateValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  date: String
  time: String
}

type PeopleValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  persons_and_teams: [PeopleEntity!]
}

type PeopleEntity {
  id: ID!
  kind: Kind
}

enum Kind {
  agent
  person
  team
}

type CheckboxValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  checked: Boolean
}

type EmailValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  email: String
  label: String
}

type FileValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  files: [FileValueItem!]!
}

type DropdownValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  values: [DropdownValueOption!]!
}

type DropdownValueOption {
  id: ID!
  label: String!
}

type TimelineValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  from: Date
  to: Date
  visualization_type: String
  updated_at: Date
}

type LinkValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  url: String
  url_text: String
  updated_at: Date
}

type TagsValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  tag_ids: [Int!]!
  tags: [Tag!]!
}

type BoardRelationValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  display_value: String!
  linked_item_ids: [ID!]!
  linked_items: [Item!]!
  updated_at: Date
}

type MirrorValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  display_value: String!
  mirrored_items: [MirroredItem!]!
}

type MirroredItem {
  linked_board: Board!
  linked_board_id: ID!
  linked_item: Item!
}

type FormulaValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  display_value: String!
}

type SubtasksValue implements ColumnValue {
  id: ID!
  type: ColumnType!
  text: String
  value: JSON
  column: Column!
  display_value: String!
  subitems: [Item!]!
  subitems_ids: [ID!]!
}

union FileValueItem = FileAssetValue

type FileAssetValue {
  asset: Asset!
  asset_id: ID!
  name: String!
  is_image: Boolean!
  created_at: Date!
  creator_id: ID
}

type Asset {
  id: ID!
  name: String!
  url: String!
  public_url: String!
  file_extension: String!
  file_size: Int!
  created_at: Date
  uploaded_by: User!
}

type Complexity {
  before: Int!
  after: Int!
  query: Int!
  reset_in_x_seconds: Int!
}

type Version {
  display_name: String!
  kind: VersionKind!
  value: String!
}

enum VersionKind {
  current
  deprecated
  dev
  maintenance
  release_candidate
}

type AuditLogPage {
  logs: [AuditLogEntry!]
  pagination: Pagination
}

type AuditLogEntry {
  timestamp: String
  account_id: String
  user: User
  event: String
  slug: String
  ip_address: String
  user_agent: String
  client_name: String
  client_version: String
  os_name: String
  os_version: String
  device_name: String
  device_type: String
  activity_metadata: JSON
}

type Pagination {
  page: Int
  page_size: Int
  has_more_pages: Boolean
  next_page_number: Int
}

type AuditEventCatalogueEntry {
  name: String
  description: String
  metadata_details: JSON
}
`;
