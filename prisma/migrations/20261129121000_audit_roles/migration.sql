-- The audit log the portal cannot rewrite (issue 14 item 5). Migrations run as the owner role; the portal serves as
-- an application role (docs/deploy.md, "Database roles"). This migration names no role: the owner is whoever runs
-- it, and the application role's privileges are granted after every migration by prisma/grants.ts.
--
-- 1. audit_append runs as its owner (SECURITY DEFINER), so the application role can append without any privilege
--    on audit_event itself. Its search_path holds only pg_catalog (and pg_temp last, where nothing is looked up for
--    functions), and every table is schema-qualified: a role that can create objects cannot slip a look-alike
--    function or table in front of the ones meant.
CREATE OR REPLACE FUNCTION audit_append(
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
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_seq BIGINT;
  v_prev TEXT;
  v_hash TEXT;
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(7231001);
  SELECT e."seq", e."hash" INTO v_seq, v_prev FROM public."audit_event" e ORDER BY e."seq" DESC LIMIT 1;
  v_seq := COALESCE(v_seq, 0) + 1;
  v_prev := COALESCE(v_prev, pg_catalog.repeat('0', 64));
  v_hash := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(v_prev || E'\n' || p_body_head || v_seq::TEXT || p_body_tail, 'UTF8')), 'hex');
  INSERT INTO public."audit_event" ("seq", "at", "actorId", "actorEmail", "actorRoles", "action", "outcome", "targetType", "targetId", "details", "requestId", "prevHash", "hash")
  VALUES (v_seq, p_at, p_actor_id, p_actor_email, p_actor_roles, p_action, p_outcome, p_target_type, p_target_id, p_details, p_request_id, v_prev, v_hash);
  RETURN QUERY SELECT v_seq, v_prev, v_hash;
END
$$;

-- 2. Chain heads are recorded only through audit_record_head, which refuses a head that does not name an event of
--    the chain as it stands (the HMAC is checked by the portal, which alone holds the key).
CREATE OR REPLACE FUNCTION audit_record_head(p_seq BIGINT, p_hash TEXT, p_hmac TEXT, p_reason TEXT)
RETURNS TABLE (o_id BIGINT, o_seq BIGINT, o_hash TEXT, o_hmac TEXT, o_at TIMESTAMPTZ, o_reason TEXT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public."audit_event" e WHERE e."seq" = p_seq AND e."hash" = p_hash) THEN
    RAISE EXCEPTION 'no audit event % with hash % : a chain head must name an event of the chain', p_seq, p_hash USING ERRCODE = 'check_violation';
  END IF;
  RETURN QUERY INSERT INTO public."chain_head" AS h ("seq", "hash", "hmac", "reason") VALUES (p_seq, p_hash, p_hmac, p_reason)
    RETURNING h."id", h."seq", h."hash", h."hmac", h."at", h."reason";
END
$$;

-- 3. One append-only trigger function for both tables, naming the table it refused.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER chain_head_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "chain_head"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- 4. Nobody but the owner holds anything on the audit tables, and nobody but the roles granted it (prisma/grants.ts)
--    may call the SECURITY DEFINER functions (PostgreSQL lets PUBLIC execute new functions by default).
REVOKE ALL ON TABLE "audit_event", "chain_head" FROM PUBLIC;
REVOKE ALL ON SEQUENCE "chain_head_id_seq" FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_append(TIMESTAMPTZ, UUID, TEXT, TEXT[], TEXT, TEXT, TEXT, TEXT, JSONB, TEXT, TEXT, TEXT) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_record_head(BIGINT, TEXT, TEXT, TEXT) FROM PUBLIC;
