-- Commands a person must decide on (issue 17 item 5): a Retry-After past the cap, an answer echoing another
-- idempotency key, or a 2xx that breaks the contract. The relay leaves them alone until someone retries or abandons.

-- AlterEnum
ALTER TYPE "CommandState" ADD VALUE 'NEEDS_DECISION';

-- AlterTable
ALTER TABLE "command" ADD COLUMN     "holdReason" TEXT,
ADD COLUMN     "retryAfterSeconds" INTEGER;
