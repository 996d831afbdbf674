/*
 * Any address no other route matches. Matching it (instead of no route at all) runs the root loader, so
 * the 404 page knows the user and their language: Persian digits, their menu, a way home.
 */
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
