import * as campaigns from "../model/campaigns";
import type { ApiRouter } from "./router";

export function registerCampaigns(api: ApiRouter): void {
  const m = api.model;
  api.route("POST", "/v1/call-campaigns/:callCampaignId/tasks", ({ org, params, body }) =>
    campaigns.createCampaignTasks(m, org, params.callCampaignId!, body),
  );
  api.route("PUT", "/v1/call-campaigns/:callCampaignId/tasks/terminate", ({ org, params, body }) =>
    campaigns.terminateCampaignTasks(m, org, params.callCampaignId!, body),
  );
}
