import {
  type CampaignCallTasks,
  type CreateCampaignTasksRequest,
  campaignCallTasks,
  createCampaignTasksRequest,
  terminateCampaignTasksRequest,
} from "../models/campaigns";
import { Section } from "./section";

export class Campaigns extends Section {
  /**
   * Adds a call task per recipient (at least one, checked before sending). Rows are not validated here:
   * the API creates every row, and one with a bad or missing number comes back with `import_errors`.
   */
  async createTasks(campaignId: string, body: CreateCampaignTasksRequest): Promise<CampaignCallTasks> {
    const endpoint = "/v1/call-campaigns/{callCampaignId}/tasks";
    return this.call(
      "POST",
      endpoint,
      { callCampaignId: campaignId },
      {
        body: this.body(createCampaignTasksRequest, body, "POST", endpoint),
        schema: campaignCallTasks,
      },
    );
  }

  /** Terminates the campaign's tasks for one number, which must be E.164 (checked before sending). */
  async terminateTasks(campaignId: string, phoneNumber: string): Promise<CampaignCallTasks> {
    const endpoint = "/v1/call-campaigns/{callCampaignId}/tasks/terminate";
    return this.call(
      "PUT",
      endpoint,
      { callCampaignId: campaignId },
      {
        body: this.body(terminateCampaignTasksRequest, { phone_number: phoneNumber }, "PUT", endpoint),
        schema: campaignCallTasks,
      },
    );
  }
}
