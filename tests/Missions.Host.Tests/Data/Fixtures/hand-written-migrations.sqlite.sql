PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE "ActivityEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ActivityEntries" PRIMARY KEY AUTOINCREMENT,
    "MissionId" TEXT NULL,
    "ProposalId" TEXT NULL,
    "At" TEXT NOT NULL,
    "ActorId" TEXT NOT NULL,
    "ActorName" TEXT NOT NULL,
    "ActorKind" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "FromStatus" TEXT NULL,
    "ToStatus" TEXT NULL,
    "MissionVersion" INTEGER NULL,
    "Detail" TEXT NULL,
    CONSTRAINT "FK_ActivityEntries_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_ActivityEntries_Proposals_ProposalId" FOREIGN KEY ("ProposalId") REFERENCES "Proposals" ("Id") ON DELETE RESTRICT
);
INSERT INTO "ActivityEntries" VALUES(1,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:11.5781764','local','Local user','Human','created',NULL,'Backlog',1,NULL);
INSERT INTO "ActivityEntries" VALUES(2,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:11.8243156','local','Local user','Human','commented',NULL,NULL,NULL,'Keep it to one page.');
INSERT INTO "ActivityEntries" VALUES(3,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:11.8887887','local','Local user','Human','transitioned','Backlog','InProgress',2,'Run queued (requested).');
INSERT INTO "ActivityEntries" VALUES(4,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:11.9223701','local','Local user','Human','run-queued',NULL,NULL,NULL,'Run queued (requested).');
INSERT INTO "ActivityEntries" VALUES(5,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:12.2467142','staff:01a215c64572732890fa68642661fcbb','Analyst','Staff','run-succeeded',NULL,NULL,NULL,'Drafted offline (no AI model): a brief for M-1 with a 5-step plan, 2 open questions and a 6-item checklist.');
INSERT INTO "ActivityEntries" VALUES(6,'01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'2026-11-26 02:54:12.3085313','staff:01a215c64572732890fa68642661fcbb','Analyst','Staff','transitioned','InProgress','Review',3,'The run finished; its result waits for review.');
INSERT INTO "ActivityEntries" VALUES(7,'01A215C6-77F0-72B9-AA07-6B7779A1E8D2',NULL,'2026-11-26 02:54:18.0968063','local','Local user','Human','created',NULL,'Backlog',1,NULL);
CREATE TABLE "Artifacts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Artifacts" PRIMARY KEY,
    "MissionId" TEXT NOT NULL,
    "RunId" TEXT NULL,
    "Name" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "Size" INTEGER NOT NULL,
    "Sha256" TEXT NOT NULL,
    "StorageKey" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_Artifacts_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Artifacts_Runs_RunId" FOREIGN KEY ("RunId") REFERENCES "Runs" ("Id") ON DELETE RESTRICT
);
INSERT INTO "Artifacts" VALUES('01A215C6-611D-7E21-BBEE-EC12E47D72FA','01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A','01A215C6-5FD2-7EB3-B794-8FB61443A3D4','M-1-brief.md','text/markdown',1514,'410023a8779bdbfb8fa1db21ae96aebb2600605ace81c825f3bfb734e768c980','artifacts/01a215c65fd27eb3b7948fb61443a3d4/0-M-1-brief.md','2026-11-26 02:54:12.2467142');
INSERT INTO "Artifacts" VALUES('01A215C6-612F-7DA6-9B7D-66977B142376','01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A','01A215C6-5FD2-7EB3-B794-8FB61443A3D4','M-1-brief.pdf','application/pdf',54517,'f3ece77733eeee248d0dcf4df077f82e7e71e9cae2809bbc1731e707e2f0188b','artifacts/01a215c65fd27eb3b7948fb61443a3d4/1-M-1-brief.pdf','2026-11-26 02:54:12.2467142');
CREATE TABLE "Attachments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Attachments" PRIMARY KEY,
    "MissionId" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "Size" INTEGER NOT NULL,
    "Sha256" TEXT NOT NULL,
    "StorageKey" TEXT NOT NULL,
    "UploadedById" TEXT NULL,
    "UploadedByName" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_Attachments_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE
);
CREATE TABLE "Blueprints" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Blueprints" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "ObjectiveTemplate" TEXT NOT NULL,
    "DefaultStaffId" TEXT NULL,
    "Tasks" TEXT NOT NULL,
    "ContextChecklist" TEXT NOT NULL,
    "Keywords" TEXT NOT NULL,
    "AutoRun" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Blueprints_Staff_DefaultStaffId" FOREIGN KEY ("DefaultStaffId") REFERENCES "Staff" ("Id") ON DELETE RESTRICT
);
INSERT INTO "Blueprints" VALUES('01A215C6-45A0-7CD3-8408-A529FD7497A8','Competitor summary','Compare competitors on a topic and summarise what it means for us.','A one-page comparison of competitors on {topic}, with what it means for our position.','01A215C6-4572-703C-AA82-6427F46FABAC','["List the competitors and sources","Compare them on the topic","Write the summary and recommendation"]','["Which competitors matter","Where the result will be used","Deadline"]','["competitor","competitors","competition","compare","comparison","benchmark"]',0,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
INSERT INTO "Blueprints" VALUES('01A215C6-45C0-75B4-913D-42E036AF52F7','Announcement draft','Draft an announcement, post or release note ready for review.','A ready-to-review announcement about {topic} for {audience}.','01A215C6-4572-7716-A4E3-317F8EC9C720','["Collect the facts","Draft the announcement","Tighten and check tone"]','["Audience","Channel (blog, email, chat)","Key facts and dates"]','["announcement","announce","release notes","blog post","newsletter","press release"]',1,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
CREATE TABLE "Comments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Comments" PRIMARY KEY,
    "MissionId" TEXT NOT NULL,
    "AuthorId" TEXT NOT NULL,
    "AuthorName" TEXT NOT NULL,
    "AuthorKind" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_Comments_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE
);
INSERT INTO "Comments" VALUES('01A215C6-5F70-7324-8DF7-D8F62337BC14','01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A','local','Local user','Human','Keep it to one page.','2026-11-26 02:54:11.8243156');
CREATE TABLE "ConversationReferences" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ConversationReferences" PRIMARY KEY,
    "Channel" TEXT NOT NULL,
    "ConversationId" TEXT NOT NULL,
    "ThreadId" TEXT NULL,
    "ServiceUrl" TEXT NULL,
    "TenantId" TEXT NULL,
    "BotId" TEXT NULL,
    "ConversationType" TEXT NULL,
    "ReferenceJson" TEXT NULL,
    "ProjectId" TEXT NULL,
    "TimeZone" TEXT NULL,
    "ClosedAt" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_ConversationReferences_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT
);
CREATE TABLE "Counters" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Counters" PRIMARY KEY,
    "Value" INTEGER NOT NULL
);
INSERT INTO "Counters" VALUES('mission-number',2);
CREATE TABLE "DirectLineActivities" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DirectLineActivities" PRIMARY KEY AUTOINCREMENT,
    "ConversationId" TEXT NOT NULL,
    "ActivityId" TEXT NOT NULL,
    "Json" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL
);
CREATE TABLE "InboundEvents" (
    "Channel" TEXT NOT NULL,
    "EventId" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "ReceivedAt" TEXT NOT NULL,
    "CompletedAt" TEXT NULL,
    "ResponseJson" TEXT NULL, "ConversationReferenceId" TEXT NULL, "PayloadJson" TEXT NULL, "Attempts" INTEGER NOT NULL DEFAULT 0, "NextAttemptAt" TEXT NULL, "LeaseOwner" TEXT NULL, "LeaseExpiresAt" TEXT NULL,
    CONSTRAINT "PK_InboundEvents" PRIMARY KEY ("Channel", "EventId")
);
CREATE TABLE "MissionTasks" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_MissionTasks" PRIMARY KEY,
    "MissionId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "StaffId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_MissionTasks_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_MissionTasks_Staff_StaffId" FOREIGN KEY ("StaffId") REFERENCES "Staff" ("Id") ON DELETE RESTRICT
);
CREATE TABLE "Missions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Missions" PRIMARY KEY,
    "Number" INTEGER NOT NULL,
    "Title" TEXT NOT NULL,
    "Objective" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Rank" TEXT NOT NULL,
    "ProjectId" TEXT NULL,
    "AssigneeId" TEXT NULL,
    "BlueprintId" TEXT NULL,
    "ProposalId" TEXT NULL,
    "AutoRun" INTEGER NOT NULL,
    "DueDate" TEXT NULL,
    "RequestedById" TEXT NULL,
    "RequestedByName" TEXT NULL,
    "ApprovedById" TEXT NULL,
    "ApprovedByName" TEXT NULL,
    "ConversationReferenceId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_Missions_Blueprints_BlueprintId" FOREIGN KEY ("BlueprintId") REFERENCES "Blueprints" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Missions_ConversationReferences_ConversationReferenceId" FOREIGN KEY ("ConversationReferenceId") REFERENCES "ConversationReferences" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Missions_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Missions_Proposals_ProposalId" FOREIGN KEY ("ProposalId") REFERENCES "Proposals" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Missions_Staff_AssigneeId" FOREIGN KEY ("AssigneeId") REFERENCES "Staff" ("Id") ON DELETE RESTRICT
);
INSERT INTO "Missions" VALUES('01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',1,'Draft the launch plan','A launch plan the team can act on by Friday','','Review','i',NULL,'01A215C6-4572-7328-90FA-68642661FCBB',NULL,NULL,0,NULL,'local','Local user',NULL,NULL,NULL,'2026-11-26 02:54:11.5781764','2026-11-26 02:54:12.3085313',3);
INSERT INTO "Missions" VALUES('01A215C6-77F0-72B9-AA07-6B7779A1E8D2',2,'Second mission','Something else entirely to do later','','Backlog','i',NULL,NULL,NULL,NULL,0,NULL,'local','Local user',NULL,NULL,NULL,'2026-11-26 02:54:18.0968063','2026-11-26 02:54:18.0968063',1);
CREATE TABLE "OutboxMessages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_OutboxMessages" PRIMARY KEY AUTOINCREMENT,
    "ConversationReferenceId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "ViewKey" TEXT NULL,
    "PayloadJson" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NOT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" TEXT NULL,
    "SentMessageId" TEXT NULL,
    "LastError" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "SentAt" TEXT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_OutboxMessages_ConversationReferences" FOREIGN KEY ("ConversationReferenceId") REFERENCES "ConversationReferences" ("Id") ON DELETE RESTRICT
);
CREATE TABLE "Projects" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Projects" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Brief" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL
);
INSERT INTO "Projects" VALUES('01A215C6-4593-7B7D-B08B-16A9E9B318F6','Launch','The Q3 product launch: positioning, pricing, the launch deck and the announcement. Audience: existing customers and the sales team. Tone: confident, concrete, no hype.','2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
CREATE TABLE "Proposals" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Proposals" PRIMARY KEY,
    "Status" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Objective" TEXT NOT NULL,
    "Description" TEXT NOT NULL,
    "ProjectId" TEXT NULL,
    "AssigneeId" TEXT NULL,
    "BlueprintId" TEXT NULL,
    "DueDate" TEXT NULL,
    "AutoRun" INTEGER NOT NULL,
    "Questions" TEXT NOT NULL,
    "DuplicateHint" TEXT NULL,
    "RequestedById" TEXT NULL,
    "RequestedByName" TEXT NULL,
    "ConversationReferenceId" TEXT NULL,
    "DecidedById" TEXT NULL,
    "DecidedByName" TEXT NULL,
    "DecidedAt" TEXT NULL,
    "RejectionReason" TEXT NULL,
    "MissionId" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NULL,
    "Version" INTEGER NOT NULL, "DraftedBy" TEXT NOT NULL DEFAULT 'offline',
    CONSTRAINT "FK_Proposals_Blueprints_BlueprintId" FOREIGN KEY ("BlueprintId") REFERENCES "Blueprints" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Proposals_ConversationReferences_ConversationReferenceId" FOREIGN KEY ("ConversationReferenceId") REFERENCES "ConversationReferences" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Proposals_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Proposals_Staff_AssigneeId" FOREIGN KEY ("AssigneeId") REFERENCES "Staff" ("Id") ON DELETE RESTRICT
);
CREATE TABLE "RunLogEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_RunLogEntries" PRIMARY KEY AUTOINCREMENT,
    "RunId" TEXT NOT NULL,
    "At" TEXT NOT NULL,
    "Level" TEXT NOT NULL,
    "Step" TEXT NOT NULL,
    "Text" TEXT NOT NULL,
    CONSTRAINT "FK_RunLogEntries_Runs_RunId" FOREIGN KEY ("RunId") REFERENCES "Runs" ("Id") ON DELETE CASCADE
);
INSERT INTO "RunLogEntries" VALUES(1,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.0370749','Info','Started','Attempt 1 (requested) on vm/16514/803f647d78d3460891cd44d5689d7873.');
INSERT INTO "RunLogEntries" VALUES(2,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.092036','Info','Reading the context','Step started.');
INSERT INTO "RunLogEntries" VALUES(3,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1153138','Info','Reading the context','1 context notes from the mission, project, comments, attachments and earlier artifacts.');
INSERT INTO "RunLogEntries" VALUES(4,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1155621','Info','Restating the objective','Step started.');
INSERT INTO "RunLogEntries" VALUES(5,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1195515','Info','Drafting the plan','Step started.');
INSERT INTO "RunLogEntries" VALUES(6,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1254629','Info','Drafting the plan','A 5-step plan for writing work.');
INSERT INTO "RunLogEntries" VALUES(7,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1256131','Info','Listing open questions and a checklist','Step started.');
INSERT INTO "RunLogEntries" VALUES(8,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.135434','Info','Writing the brief','Step started.');
INSERT INTO "RunLogEntries" VALUES(9,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.1390703','Info','Making the PDF','Step started.');
INSERT INTO "RunLogEntries" VALUES(10,'01A215C6-5FD2-7EB3-B794-8FB61443A3D4','2026-11-26 02:54:12.2467142','Info','Finished','Drafted offline (no AI model): a brief for M-1 with a 5-step plan, 2 open questions and a 6-item checklist.');
CREATE TABLE "Runs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Runs" PRIMARY KEY,
    "MissionId" TEXT NOT NULL,
    "TaskId" TEXT NULL,
    "StaffId" TEXT NULL,
    "Status" TEXT NOT NULL,
    "Attempt" INTEGER NOT NULL,
    "Trigger" TEXT NOT NULL,
    "Summary" TEXT NULL,
    "Error" TEXT NULL,
    "QueuedAt" TEXT NOT NULL,
    "StartedAt" TEXT NULL,
    "FinishedAt" TEXT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" TEXT NULL,
    "InputTokens" INTEGER NULL,
    "OutputTokens" INTEGER NULL,
    "Version" INTEGER NOT NULL, "NextAttemptAt" TEXT NULL, "ReviewOutcome" TEXT NULL, "ReviewedByName" TEXT NULL, "ReviewedAt" TEXT NULL, "ReviewComment" TEXT NULL,
    CONSTRAINT "FK_Runs_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Runs_MissionTasks_TaskId" FOREIGN KEY ("TaskId") REFERENCES "MissionTasks" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Runs_Staff_StaffId" FOREIGN KEY ("StaffId") REFERENCES "Staff" ("Id") ON DELETE RESTRICT
);
INSERT INTO "Runs" VALUES('01A215C6-5FD2-7EB3-B794-8FB61443A3D4','01A215C6-5E7A-7C76-8BE0-73DAE8B2A60A',NULL,'01A215C6-4572-7328-90FA-68642661FCBB','Succeeded',1,'requested','Drafted offline (no AI model): a brief for M-1 with a 5-step plan, 2 open questions and a 6-item checklist.',NULL,'2026-11-26 02:54:11.9223701','2026-11-26 02:54:12.0079413','2026-11-26 02:54:12.2467142',NULL,NULL,NULL,NULL,3,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE "Staff" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Staff" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "Instructions" TEXT NOT NULL,
    "Model" TEXT NULL,
    "IsActive" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Version" INTEGER NOT NULL
);
INSERT INTO "Staff" VALUES('01A215C6-4572-703C-AA82-6427F46FABAC','Researcher','Research','Find, compare and summarise sources. Cite where every claim comes from and say how sure you are.',NULL,1,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
INSERT INTO "Staff" VALUES('01A215C6-4572-7328-90FA-68642661FCBB','Analyst','Analysis','Work with numbers: pricing, metrics, spreadsheets, forecasts. Show the method and the assumptions.',NULL,1,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
INSERT INTO "Staff" VALUES('01A215C6-4572-7716-A4E3-317F8EC9C720','Writer','Writing','Draft clear documents, posts and announcements in the team''s voice. Lead with the point; keep it short.',NULL,1,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
INSERT INTO "Staff" VALUES('01A215C6-4572-7D27-9AA2-FE10B10F8CA7','Engineer','Engineering','Investigate bugs, review code and write technical plans. Name the risks and how to test the change.',NULL,1,'2026-11-26 02:54:05.1700454','2026-11-26 02:54:05.1700454',1);
CREATE TABLE "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);
INSERT INTO "__EFMigrationsHistory" VALUES('20261122000000_Initial','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261122010000_DirectLineTranscripts','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261122020000_QueuedInboundEvents','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261122030000_RunRetriesAndReviews','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261122040000_MissionsByProjectNewestFirst','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261126000000_DeliveredViews','10.0.15');
INSERT INTO "__EFMigrationsHistory" VALUES('20261126010000_ProposalDraftedBy','10.0.15');
CREATE TABLE "__EFMigrationsLock" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY,
    "Timestamp" TEXT NOT NULL
);
CREATE INDEX "IX_ActivityEntries_MissionId_Id" ON "ActivityEntries" ("MissionId", "Id");
CREATE INDEX "IX_ActivityEntries_ProposalId" ON "ActivityEntries" ("ProposalId");
CREATE INDEX "IX_Artifacts_MissionId" ON "Artifacts" ("MissionId");
CREATE INDEX "IX_Artifacts_RunId" ON "Artifacts" ("RunId");
CREATE INDEX "IX_Attachments_MissionId" ON "Attachments" ("MissionId");
CREATE INDEX "IX_Blueprints_DefaultStaffId" ON "Blueprints" ("DefaultStaffId");
CREATE UNIQUE INDEX "IX_Blueprints_Name" ON "Blueprints" ("Name");
CREATE INDEX "IX_Comments_MissionId_CreatedAt" ON "Comments" ("MissionId", "CreatedAt");
CREATE UNIQUE INDEX "IX_ConversationReferences_Channel_ConversationId" ON "ConversationReferences" ("Channel", "ConversationId");
CREATE INDEX "IX_ConversationReferences_ProjectId" ON "ConversationReferences" ("ProjectId");
CREATE INDEX "IX_InboundEvents_ReceivedAt" ON "InboundEvents" ("ReceivedAt");
CREATE INDEX "IX_Missions_AssigneeId" ON "Missions" ("AssigneeId");
CREATE INDEX "IX_Missions_BlueprintId" ON "Missions" ("BlueprintId");
CREATE INDEX "IX_Missions_ConversationReferenceId" ON "Missions" ("ConversationReferenceId");
CREATE UNIQUE INDEX "IX_Missions_Number" ON "Missions" ("Number");
CREATE UNIQUE INDEX "IX_Missions_ProposalId" ON "Missions" ("ProposalId");
CREATE INDEX "IX_Missions_Status_Rank" ON "Missions" ("Status", "Rank");
CREATE INDEX "IX_MissionTasks_MissionId_Position" ON "MissionTasks" ("MissionId", "Position");
CREATE INDEX "IX_MissionTasks_StaffId" ON "MissionTasks" ("StaffId");
CREATE INDEX "IX_OutboxMessages_Status_NextAttemptAt" ON "OutboxMessages" ("Status", "NextAttemptAt");
CREATE UNIQUE INDEX "IX_Projects_Name" ON "Projects" ("Name");
CREATE INDEX "IX_Proposals_AssigneeId" ON "Proposals" ("AssigneeId");
CREATE INDEX "IX_Proposals_BlueprintId" ON "Proposals" ("BlueprintId");
CREATE INDEX "IX_Proposals_ConversationReferenceId" ON "Proposals" ("ConversationReferenceId");
CREATE INDEX "IX_Proposals_ProjectId" ON "Proposals" ("ProjectId");
CREATE INDEX "IX_Proposals_Status_CreatedAt" ON "Proposals" ("Status", "CreatedAt");
CREATE INDEX "IX_RunLogEntries_RunId_Id" ON "RunLogEntries" ("RunId", "Id");
CREATE INDEX "IX_Runs_MissionId" ON "Runs" ("MissionId");
CREATE INDEX "IX_Runs_StaffId" ON "Runs" ("StaffId");
CREATE INDEX "IX_Runs_Status_QueuedAt" ON "Runs" ("Status", "QueuedAt");
CREATE INDEX "IX_Runs_TaskId" ON "Runs" ("TaskId");
CREATE UNIQUE INDEX "IX_Staff_Name" ON "Staff" ("Name");
CREATE INDEX "IX_DirectLineActivities_ConversationId_Id" ON "DirectLineActivities" ("ConversationId", "Id");
CREATE INDEX "IX_DirectLineActivities_ActivityId" ON "DirectLineActivities" ("ActivityId");
CREATE INDEX "IX_InboundEvents_Status_ReceivedAt" ON "InboundEvents" ("Status", "ReceivedAt");
CREATE INDEX "IX_Missions_ProjectId_Number" ON "Missions" ("ProjectId", "Number");
CREATE INDEX "IX_OutboxMessages_ConversationReferenceId_Status_Id" ON "OutboxMessages" ("ConversationReferenceId", "Status", "Id");
CREATE INDEX "IX_OutboxMessages_ConversationReferenceId_ViewKey_Status_Id" ON "OutboxMessages" ("ConversationReferenceId", "ViewKey", "Status", "Id");
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('OutboxMessages',0);
INSERT INTO "sqlite_sequence" VALUES('ActivityEntries',7);
INSERT INTO "sqlite_sequence" VALUES('RunLogEntries',10);
COMMIT;
