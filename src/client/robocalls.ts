import {
  type RobocallConfiguration,
  type RobocallTask,
  robocallConfiguration,
  robocallTask,
  type StartRobocallRequest,
  startRobocallRequest,
} from "../models/robocalls";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

export class Robocalls extends Section {
  /** Robocall configurations, set up in the dashboard. */
  listConfigurations(options?: PaginatorOptions): Paginator<RobocallConfiguration> {
    const endpoint = "/v1/call-tasks/robocalls/configurations";
    return this.springList(endpoint, {}, robocallConfiguration, {}, options);
  }

  /** Starts a robocall to `phone_number` (E.164, checked before sending); the task's id is an integer. */
  async start(body: StartRobocallRequest): Promise<RobocallTask> {
    const endpoint = "/v1/call-tasks/robocalls";
    return this.call(
      "POST",
      endpoint,
      {},
      {
        body: this.body(startRobocallRequest, body, "POST", endpoint),
        schema: robocallTask,
      },
    );
  }
}
