/**
 * Messages of the admin socket between hivemind-server and hivemind-updater (DESIGN.md,
 * "Admin socket"): JSON records, the same classes on both sides. Types are added here as the
 * server and the agent define them; each is a record so that its JSON shape is its fields.
 */
package com.seglamater.hivemind.model.admin;
