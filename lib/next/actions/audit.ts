"use server";
/** The audit pages' server actions (lib/audit/actions.ts). */
import { serverAction } from "../server-action";
import { signHeadAction, verifyChainAction, verifyHeadAction } from "../../audit/actions";

export const verifyChain = serverAction(verifyChainAction);
export const signHead = serverAction(signHeadAction);
export const verifyHead = serverAction(verifyHeadAction);
