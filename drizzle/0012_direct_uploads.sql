CREATE TABLE "direct_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"s3_upload_id" text NOT NULL,
	"file_name" text NOT NULL,
	"declared_type" text NOT NULL,
	"declared_size" bigint,
	"keep_metadata" boolean DEFAULT false NOT NULL,
	"no_ai" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'uploading' NOT NULL,
	"error" text,
	"image_id" uuid,
	"duplicate" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "direct_uploads_status_check" CHECK ("direct_uploads"."status" in ('uploading', 'processing', 'done', 'failed', 'aborted'))
);
--> statement-breakpoint
ALTER TABLE "direct_uploads" ADD CONSTRAINT "direct_uploads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "direct_uploads" ADD CONSTRAINT "direct_uploads_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "direct_uploads_key_key" ON "direct_uploads" USING btree ("key");--> statement-breakpoint
CREATE INDEX "direct_uploads_user_idx" ON "direct_uploads" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "direct_uploads_status_idx" ON "direct_uploads" USING btree ("status","created_at");