CREATE TABLE "broadcast_recipients" (
	"broadcast_id" bigint NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"outbox_id" bigint,
	"dispatched_at" timestamp with time zone,
	CONSTRAINT "broadcast_recipients_broadcast_id_user_id_pk" PRIMARY KEY("broadcast_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"oa_id" text NOT NULL,
	"title" text NOT NULL,
	"body" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"cause" text,
	"needs_approval" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"approved_by" text,
	"scheduled_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"zalo_attachment_id" text,
	"attachment_uploaded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follower_tags" (
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"tag" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follower_tags_oa_id_user_id_tag_pk" PRIMARY KEY("oa_id","user_id","tag")
);
--> statement-breakpoint
CREATE TABLE "procedure_fingerprints" (
	"oa_id" text NOT NULL,
	"procedure_code" text NOT NULL,
	"fingerprint" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "procedure_fingerprints_oa_id_procedure_code_pk" PRIMARY KEY("oa_id","procedure_code")
);
--> statement-breakpoint
CREATE TABLE "procedure_interest" (
	"oa_id" text NOT NULL,
	"user_id" text NOT NULL,
	"procedure_code" text NOT NULL,
	"last_asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "procedure_interest_oa_id_user_id_procedure_code_pk" PRIMARY KEY("oa_id","user_id","procedure_code")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "opted_out_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "received_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "broadcast_recipients_status_idx" ON "broadcast_recipients" USING btree ("broadcast_id","status","user_id");--> statement-breakpoint
CREATE INDEX "broadcasts_oa_status_idx" ON "broadcasts" USING btree ("oa_id","status","id");--> statement-breakpoint
CREATE INDEX "follower_tags_tag_idx" ON "follower_tags" USING btree ("oa_id","tag","user_id");--> statement-breakpoint
CREATE INDEX "procedure_interest_code_idx" ON "procedure_interest" USING btree ("oa_id","procedure_code","last_asked_at");