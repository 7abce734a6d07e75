// What the demo retailer, Hanbit Electronics, sells and where: products, stores and marketing campaigns.

export const RETAILER = "Hanbit Electronics";
export const SITE = "https://www.hanbit-electronics.example";
export const CURRENCY = "KRW";

export type Category =
  | "tv"
  | "audio"
  | "phone"
  | "computer"
  | "wearable"
  | "accessory"
  | "kitchen"
  | "laundry"
  | "climate"
  | "cleaning";

export interface Product {
  product_id: string;
  sku: string;
  name: string;
  brand: string;
  category: Category;
  /** Won, VAT included. */
  price: number;
  /** Delivered by a technician on an agreed date: a source of calls and reminders. */
  installation?: boolean;
}

const p = (
  product_id: string,
  name: string,
  brand: string,
  category: Category,
  price: number,
  installation = false,
): Product => ({
  product_id,
  sku: `HB-${product_id.toUpperCase()}`,
  name,
  brand,
  category,
  price,
  ...(installation ? { installation } : {}),
});

export const products: readonly Product[] = [
  p("tv-55-oled", 'Aurora 55" 4K OLED TV', "Aurora", "tv", 1_890_000, true),
  p("tv-65-qled", 'Aurora 65" QLED TV', "Aurora", "tv", 2_390_000, true),
  p("sb-310", "Aurora 3.1ch Soundbar", "Aurora", "audio", 459_000),
  p("ear-pro2", "Nova Buds Pro 2", "Nova", "audio", 279_000),
  p("ph-x15", "Nova X15 smartphone 256GB", "Nova", "phone", 1_290_000),
  p("ph-a5", "Nova A5 smartphone 128GB", "Nova", "phone", 499_000),
  p("lap-14", 'Nova Book 14" ultrabook', "Nova", "computer", 1_590_000),
  p("tab-11", 'Nova Tab 11"', "Nova", "computer", 699_000),
  p("watch-s5", "Nova Watch S5", "Nova", "wearable", 399_000),
  p("chg-65w", "65W USB-C charger", "Hanbit", "accessory", 39_000),
  p("hdmi-21", "HDMI 2.1 cable 2m", "Hanbit", "accessory", 19_900),
  p("rice-ih6", "IH rice cooker 6-cup", "Hanbit", "kitchen", 329_000),
  p("kettle-17", "Electric kettle 1.7L", "Hanbit", "kitchen", 49_000),
  p("fridge-4d", "4-door refrigerator 870L", "Breeze", "kitchen", 2_190_000, true),
  p("wm-21", "21kg front-load washer", "Breeze", "laundry", 1_290_000, true),
  p("ac-wall", "Inverter wall air conditioner", "Breeze", "climate", 1_150_000, true),
  p("air-pur", "Air purifier, 60m²", "Breeze", "climate", 459_000),
  p("robo-vac", "Robot vacuum with mop", "Breeze", "cleaning", 890_000),
];

export interface Store {
  id: string;
  name: string;
  city: string;
}

export const stores: readonly Store[] = [
  { id: "st-gangnam", name: "Gangnam flagship", city: "Seoul" },
  { id: "st-hongdae", name: "Hongdae", city: "Seoul" },
  { id: "st-seomyeon", name: "Busan Seomyeon", city: "Busan" },
  { id: "st-dunsan", name: "Daejeon Dunsan", city: "Daejeon" },
  { id: "st-suwon", name: "Suwon AK Plaza", city: "Suwon" },
];

export interface AdCampaign {
  name: string;
  source: string;
  medium: string;
  term?: string;
  content: string;
  /** Shown to people who already left a cart behind. */
  retargeting: boolean;
  landing: string;
}

export const adCampaigns: readonly AdCampaign[] = [
  {
    name: "summer_cooling_sale",
    source: "naver",
    medium: "cpc",
    term: "에어컨 할인",
    content: "text_ad_1",
    retargeting: false,
    landing: "/events/cooling",
  },
  {
    name: "summer_cooling_sale",
    source: "google",
    medium: "cpc",
    term: "inverter air conditioner",
    content: "rsa_2",
    retargeting: false,
    landing: "/events/cooling",
  },
  {
    name: "oled_tv_launch",
    source: "youtube",
    medium: "video",
    content: "preroll_15s",
    retargeting: false,
    landing: "/events/oled-week",
  },
  {
    name: "nova_x15_preorder",
    source: "instagram",
    medium: "paid_social",
    content: "carousel_a",
    retargeting: false,
    landing: "/products/ph-x15",
  },
  {
    name: "retargeting_cart",
    source: "google",
    medium: "display",
    content: "dynamic_product",
    retargeting: true,
    landing: "/cart",
  },
  {
    name: "retargeting_cart",
    source: "kakao",
    medium: "display",
    content: "bizboard",
    retargeting: true,
    landing: "/cart",
  },
];

export interface Newsletter {
  campaign_id: string;
  campaign_name: string;
  subject: string;
  /** Where the main button leads. */
  path: string;
}

export const newsletters: readonly Newsletter[] = [
  {
    campaign_id: "nl-oled-week",
    campaign_name: "OLED TV week",
    subject: "[한빛전자] OLED TV 위크 – up to 25% off",
    path: "/events/oled-week",
  },
  {
    campaign_id: "nl-smart-home",
    campaign_name: "Smart home starter kit",
    subject: "Your home, smarter: robot vacuums and air purifiers from ₩459,000",
    path: "/events/smart-home",
  },
  {
    campaign_id: "nl-cooling",
    campaign_name: "Early cooling deals",
    subject: "[한빛전자] 에어컨 사전 설치 예약 시작",
    path: "/events/cooling",
  },
  {
    campaign_id: "nl-members-points",
    campaign_name: "Members' double points",
    subject: "이번 주 멤버십 포인트 2배 적립 🎁",
    path: "/membership",
  },
];

export const coupons = [
  { coupon: "WELCOME10", name: "Welcome 10% off", rate: 0.1 },
  { coupon: "SUMMER50K", name: "₩50,000 off orders over ₩500,000", amount: 50_000 },
  { coupon: "APPONLY5", name: "5% app-only discount", rate: 0.05 },
] as const;
