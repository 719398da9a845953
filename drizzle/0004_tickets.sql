CREATE TABLE "tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"reason" text NOT NULL,
	"officer" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_one_unresolved_idx" ON "tickets" USING btree ("oa_id","user_id") WHERE "tickets"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "tickets_queue_idx" ON "tickets" USING btree ("oa_id","status","id");