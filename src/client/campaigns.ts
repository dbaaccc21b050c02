import {
  type CampaignCallTasks,
  type CreateCampaignTasksRequest,
  campaignCallTasks,
  createCampaignTasksRequest,
  terminateCampaignTasksRequest,
} from "../models/campaigns";
import { endpoint } from "./core/endpoint";
import { Section } from "./section";

const api = {
  createTasks: endpoint("POST /v1/call-campaigns/{callCampaignId}/tasks", {
    request: createCampaignTasksRequest,
    response: campaignCallTasks,
  }),
  terminateTasks: endpoint("PUT /v1/call-campaigns/{callCampaignId}/tasks/terminate", {
    request: terminateCampaignTasksRequest,
    response: campaignCallTasks,
  }),
};

export class Campaigns extends Section {
  /**
   * Adds a call task per recipient (at least one, checked before sending). Rows are not validated here:
   * the API creates every row, and one with a bad or missing number comes back with `import_errors`.
   */
  async createTasks(campaignId: string, body: CreateCampaignTasksRequest): Promise<CampaignCallTasks> {
    return this.send(api.createTasks, { callCampaignId: campaignId }, body);
  }

  /** Terminates the campaign's tasks for one number, which must be E.164 (checked before sending). */
  async terminateTasks(campaignId: string, phoneNumber: string): Promise<CampaignCallTasks> {
    return this.send(api.terminateTasks, { callCampaignId: campaignId }, { phone_number: phoneNumber });
  }
}
