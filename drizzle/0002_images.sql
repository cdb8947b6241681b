CREATE TABLE "images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"analysis_status" text DEFAULT 'pending' NOT NULL,
	"analysis_attempts" integer DEFAULT 0 NOT NULL,
	"analysis_error" text,
	"lease_until" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"description" text,
	"alt_text" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"extracted_text" text,
	"model" text,
	"analyzed_at" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(description, '')), 'A')
        || setweight(to_tsvector('english', immutable_array_to_string(tags, ' ')), 'A')
        || setweight(to_tsvector('english', coalesce(alt_text, '')), 'B')
        || setweight(to_tsvector('english', coalesce(extracted_text, '')), 'C')
        || setweight(to_tsvector('simple', file_name), 'D')) STORED,
	CONSTRAINT "images_analysis_status_check" CHECK ("images"."analysis_status" in ('pending', 'processing', 'done', 'failed', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "pending_object_deletions" (
	"key" text PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "images" ADD CONSTRAINT "images_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "images_key_key" ON "images" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "images_user_sha256_key" ON "images" USING btree ("user_id","sha256");--> statement-breakpoint
CREATE INDEX "images_user_created_idx" ON "images" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "images_analysis_due_idx" ON "images" USING btree ("analysis_status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "images_search_idx" ON "images" USING gin ("search");--> statement-breakpoint
CREATE INDEX "images_tags_idx" ON "images" USING gin ("tags");