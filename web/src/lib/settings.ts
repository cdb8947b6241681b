import { action, query } from "@solidjs/router";
import * as api from "./api";
import type { SettingsPatch } from "./api-shapes";

export const getSettings = query(async () => (await api.getMe()).settings, "settings");

export const saveSettings = action(async (patch: SettingsPatch) => (await api.updateSettings(patch)).settings, "saveSettings");
