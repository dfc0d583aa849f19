/**
 * Azure public-cloud region names (`az account list-locations --query "[].name"`), with the short code used in
 * resource names. A region missing here is a config error rather than a failed deployment half-way through.
 */
export const AZURE_REGIONS = {
  australiaeast: "aue",
  australiasoutheast: "ause",
  austriaeast: "ate",
  belgiumcentral: "bec",
  brazilsouth: "brs",
  canadacentral: "cac",
  canadaeast: "cae",
  centralindia: "inc",
  centralus: "cus",
  chilecentral: "clc",
  eastasia: "ea",
  eastus: "eus",
  eastus2: "eus2",
  francecentral: "frc",
  germanywestcentral: "gwc",
  indonesiacentral: "idc",
  israelcentral: "ilc",
  italynorth: "itn",
  japaneast: "jpe",
  japanwest: "jpw",
  koreacentral: "krc",
  malaysiawest: "myw",
  mexicocentral: "mxc",
  newzealandnorth: "nzn",
  northcentralus: "ncus",
  northeurope: "neu",
  norwayeast: "noe",
  polandcentral: "plc",
  qatarcentral: "qac",
  southafricanorth: "san",
  southcentralus: "scus",
  southeastasia: "sea",
  southindia: "ins",
  spaincentral: "esc",
  swedencentral: "sdc",
  switzerlandnorth: "szn",
  uaenorth: "uaen",
  uksouth: "uks",
  ukwest: "ukw",
  westcentralus: "wcus",
  westeurope: "weu",
  westus: "wus",
  westus2: "wus2",
  westus3: "wus3",
} as const satisfies Record<string, string>;

export type AzureRegion = keyof typeof AZURE_REGIONS;

export function isAzureRegion(name: string): name is AzureRegion {
  return Object.prototype.hasOwnProperty.call(AZURE_REGIONS, name);
}

export function regionShortCode(region: AzureRegion): string {
  return AZURE_REGIONS[region];
}
