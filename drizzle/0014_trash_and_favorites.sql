DROP INDEX "images_user_sha256_key";--> statement-breakpoint
DROP INDEX "images_user_created_idx";--> statement-breakpoint
DROP INDEX "images_user_timeline_idx";--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "favorite" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "objects_in_trash" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "images_user_favorite_idx" ON "images" USING btree ("user_id","timeline_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "images"."favorite" and "images"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "images_user_trash_idx" ON "images" USING btree ("user_id","deleted_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "images"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "images_trash_due_idx" ON "images" USING btree ("deleted_at") WHERE "images"."deleted_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "images_user_sha256_key" ON "images" USING btree ("user_id","sha256") WHERE "images"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "images_user_created_idx" ON "images" USING btree ("user_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "images"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "images_user_timeline_idx" ON "images" USING btree ("user_id","timeline_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "images"."deleted_at" is null;