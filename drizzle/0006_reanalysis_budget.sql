ALTER TABLE "images" ADD COLUMN "reanalyses" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "reanalyses_window_start" timestamp with time zone;