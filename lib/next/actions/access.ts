"use server";
/** The access pages' server actions (lib/access/actions.ts). */
import { serverAction } from "../server-action";
import { addPersonAction, decideGrantAction, grantRoleAction, revokeRoleAction, setDisabledAction } from "../../access/actions";

export const addPerson = serverAction(addPersonAction);
export const grantRole = serverAction(grantRoleAction);
export const revokeRole = serverAction(revokeRoleAction);
export const decideGrant = serverAction(decideGrantAction);
export const setDisabled = serverAction(setDisabledAction);
