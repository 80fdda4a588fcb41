// The client database: connection, migrations and the typed query modules over its tables.
export { createCursorStore, type CursorStore, type TopicCursor } from './cursors.js';
export { DEFAULT_COMPACT_ROWS, createDocLog, mergeInGroups, type CompactOptions, type CompactResult, type DocLog } from './doc-log.js';
export { createDocStore, randomClientId, type DocKind, type DocRow, type DocStore } from './docs.js';
export { DEFAULT_PAGE, createMessageStore, ftsQuery, type MessageRow, type MessageStore, type PageOptions, type SearchHit, type SearchOptions } from './messages.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './migrations.js';
export { openClientDb, type ClientDb, type OpenClientDbOptions } from './open.js';
export { createRecordCache, type CachedRecord, type RecordCache } from './records.js';
