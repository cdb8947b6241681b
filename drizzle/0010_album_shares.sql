ALTER TABLE "shares" ALTER COLUMN "image_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "shares" ADD COLUMN "album_id" uuid;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_album_id_albums_id_fk" FOREIGN KEY ("album_id") REFERENCES "public"."albums"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shares_album_idx" ON "shares" USING btree ("album_id");--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_one_target_check" CHECK (("shares"."image_id" is null) <> ("shares"."album_id" is null));