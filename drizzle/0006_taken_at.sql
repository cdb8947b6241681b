ALTER TABLE "images" ADD COLUMN "taken_at" timestamp;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "taken_at_offset" smallint;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "timeline_at" timestamp GENERATED ALWAYS AS (coalesce(taken_at, created_at at time zone 'UTC')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "images_user_timeline_idx" ON "images" USING btree ("user_id","timeline_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);