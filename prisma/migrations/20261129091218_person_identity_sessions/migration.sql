-- AlterTable
ALTER TABLE "person" ADD COLUMN     "idpRoles" "Role"[] DEFAULT ARRAY[]::"Role"[],
ADD COLUMN     "lastSignInAt" TIMESTAMPTZ(3),
ADD COLUMN     "oidcIssuer" TEXT,
ADD COLUMN     "oidcSubject" TEXT,
ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "person_oidcIssuer_oidcSubject_key" ON "person"("oidcIssuer", "oidcSubject");

-- Hand-written (the schema cannot express triggers): disabling or enabling a person, or any change to their
-- roles (granted here or mapped from the identity provider), ends their sessions at the next request, however the
-- change was made (the portal, `npm run people:add`, or SQL). Sessions carry the version they were issued under
-- (lib/auth/session.ts compares it).
CREATE FUNCTION person_session_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."sessionVersion" := OLD."sessionVersion" + 1;
  RETURN NEW;
END;
$$;

CREATE TRIGGER person_session_version
  BEFORE UPDATE ON "person"
  FOR EACH ROW
  WHEN (OLD."disabled" IS DISTINCT FROM NEW."disabled"
     OR OLD."roles" IS DISTINCT FROM NEW."roles"
     OR OLD."idpRoles" IS DISTINCT FROM NEW."idpRoles")
  EXECUTE FUNCTION person_session_version();
