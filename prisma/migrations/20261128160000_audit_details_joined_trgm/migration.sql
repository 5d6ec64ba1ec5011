-- Hand-written, like 20261128150000 (prisma/migrator.ts HAND_MANAGED keeps `migrate dev` from dropping it): the
-- free-text search's trigram index, now on the details text with '-', '_' and '.' turned into a letter.
--
-- pg_trgm splits text into words at every character that is not a letter or digit, so on the plain text an id such
-- as "E-002" or "x-001" only yields the trigrams of "e" and "002", which a third of the log shares: the index
-- returned ~180,000 candidates to recheck (350-480 ms at a million events). Joined into one word ("eq002"), the id
-- keeps its own trigrams (" eq", "eq0", "q00"), which are rare. The search (lib/audit/query.ts) puts the same
-- translate() around the text and the pattern for the index, and keeps the exact ILIKE on the real text, so what
-- matches is unchanged: translate() only maps characters that have no other case to one letter.
DROP INDEX IF EXISTS "audit_event_details_trgm_idx";

-- CreateIndex
CREATE INDEX "audit_event_details_trgm_idx" ON "audit_event" USING gin ((translate(details::text, '-_.', 'qqq')) gin_trgm_ops);
