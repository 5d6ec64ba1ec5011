-- Appends one event to the audit hash chain in a single round trip (lib/audit/log.ts appendAudit).
--
-- The caller builds the event's canonical body (lib/audit/hash-core.ts) with the sequence number left out, as
-- the text before it (p_body_head) and after it (p_body_tail). Under the chain's advisory lock this function reads
-- the head, and computes hash = sha256(prevHash || E'\n' || head || seq || tail): the same bytes the verifier
-- hashes. Each statement in a VOLATILE function takes a fresh snapshot, so the head read after the lock sees the
-- previous appender's committed event (a single SELECT with the lock inside it would not).
-- The lock is transaction-scoped: it is held until the caller's transaction ends, so appends never fork the chain.
CREATE FUNCTION audit_append(
  p_at TIMESTAMPTZ,
  p_actor_id UUID,
  p_actor_email TEXT,
  p_actor_roles TEXT[],
  p_action TEXT,
  p_outcome TEXT,
  p_target_type TEXT,
  p_target_id TEXT,
  p_details JSONB,
  p_request_id TEXT,
  p_body_head TEXT,
  p_body_tail TEXT
) RETURNS TABLE (o_seq BIGINT, o_prev_hash TEXT, o_hash TEXT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_seq BIGINT;
  v_prev TEXT;
  v_hash TEXT;
BEGIN
  PERFORM pg_advisory_xact_lock(7231001);
  SELECT e."seq", e."hash" INTO v_seq, v_prev FROM "audit_event" e ORDER BY e."seq" DESC LIMIT 1;
  v_seq := COALESCE(v_seq, 0) + 1;
  v_prev := COALESCE(v_prev, repeat('0', 64));
  v_hash := encode(sha256(convert_to(v_prev || E'\n' || p_body_head || v_seq::TEXT || p_body_tail, 'UTF8')), 'hex');
  INSERT INTO "audit_event" ("seq", "at", "actorId", "actorEmail", "actorRoles", "action", "outcome", "targetType", "targetId", "details", "requestId", "prevHash", "hash")
  VALUES (v_seq, p_at, p_actor_id, p_actor_email, p_actor_roles, p_action, p_outcome, p_target_type, p_target_id, p_details, p_request_id, v_prev, v_hash);
  RETURN QUERY SELECT v_seq, v_prev, v_hash;
END
$$;
