ALTER TABLE "images" ADD COLUMN "renditions_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "renditions_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "renditions_error" text;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "renditions_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "renditions_next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "thumb_key" text;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "thumb_size" integer;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "thumb_width" integer;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "thumb_height" integer;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "display_key" text;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "display_size" integer;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "display_width" integer;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "display_height" integer;--> statement-breakpoint
CREATE INDEX "images_renditions_due_idx" ON "images" USING btree ("renditions_status","renditions_next_attempt_at");--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_renditions_status_check" CHECK ("images"."renditions_status" in ('pending', 'done', 'failed', 'unsupported'));