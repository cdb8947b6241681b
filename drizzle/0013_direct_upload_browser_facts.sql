ALTER TABLE "direct_uploads" ADD COLUMN "browser_taken_at" timestamp;--> statement-breakpoint
ALTER TABLE "direct_uploads" ADD COLUMN "browser_taken_at_offset" smallint;--> statement-breakpoint
ALTER TABLE "direct_uploads" ADD COLUMN "stripped_in_browser" text[];