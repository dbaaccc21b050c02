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
  listConfigurations(options?: PaginatorOptions): Paginator<RobocallConfiguration> {
    const endpoint = "/v1/call-tasks/robocalls/configurations";
    return this.springList(endpoint, {}, robocallConfiguration, {}, options);
  }

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
