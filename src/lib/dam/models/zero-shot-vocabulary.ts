/**
 * The default labels zero-shot tagging scores each picture against: common photo subjects,
 * scenes, events and styles, the kind of words people search a photo library for. Each becomes a
 * model tag named as written (lower case). The person can replace the list in Settings.
 */
export const ZERO_SHOT_VOCABULARY: readonly string[] = `
person, man, woman, child, baby, group of people, crowd, selfie, portrait, family, couple, friends, wedding, bride,
birthday party, party, concert, festival, parade, graduation, sports, football, basketball, tennis, baseball, golf,
swimming, running, cycling, skiing, snowboarding, surfing, skateboarding, hiking, climbing, yoga, dancing, gym,
dog, puppy, cat, kitten, bird, horse, cow, sheep, pig, goat, chicken, duck, rabbit, hamster, fish, aquarium, turtle,
snake, lizard, frog, insect, butterfly, bee, spider, deer, bear, lion, tiger, elephant, giraffe, zebra, monkey,
fox, wolf, squirrel, owl, eagle, penguin, dolphin, whale, shark, zoo, farm, pet,
beach, sea, ocean, wave, lake, river, waterfall, pond, island, coast, harbor, boat, sailboat, ship, yacht, kayak,
mountain, hill, valley, canyon, desert, forest, jungle, tree, palm tree, flower, rose, tulip, sunflower, garden,
park, field, meadow, grass, leaves, autumn leaves, snow, ice, rain, storm, lightning, fog, rainbow, cloud, sky,
blue sky, sunset, sunrise, night sky, stars, moon, sun, aurora, volcano, cave, rock, sand, countryside, vineyard,
city, skyline, street, road, highway, bridge, tunnel, building, skyscraper, house, apartment, cottage, cabin,
castle, palace, church, cathedral, temple, mosque, ruins, monument, statue, fountain, tower, lighthouse, windmill,
museum, library, school, university, hospital, office, shop, market, supermarket, mall, restaurant, cafe, bar,
hotel, airport, train station, subway, bus stop, parking lot, stadium, playground, amusement park, swimming pool,
car, truck, bus, train, tram, motorcycle, bicycle, scooter, airplane, helicopter, rocket, tractor, taxi,
kitchen, living room, bedroom, bathroom, dining room, garage, balcony, window, door, stairs, fireplace, sofa,
bed, chair, table, desk, lamp, bookshelf, book, newspaper, magazine, computer, laptop, keyboard, phone, tablet,
television, camera, headphones, clock, watch, glasses, sunglasses, hat, shoes, bag, backpack, umbrella, jewelry,
dress, suit, uniform, costume, toy, teddy bear, doll, lego, video game, board game, musical instrument, guitar,
piano, violin, drums, microphone, painting, drawing, sculpture, graffiti, mural, poster, sign, map, flag,
food, meal, breakfast, lunch, dinner, pizza, burger, sandwich, pasta, sushi, salad, soup, steak, barbecue,
bread, cake, birthday cake, cookies, dessert, ice cream, chocolate, fruit, apple, banana, orange, strawberry,
grapes, vegetables, coffee, tea, wine, beer, cocktail, drinks, picnic, christmas, christmas tree, halloween,
easter, new year, fireworks, candles, gift, balloons, decorations,
document, receipt, invoice, letter, handwriting, whiteboard, screenshot, text, chart, diagram, spreadsheet,
presentation, business card, ticket, passport, id card, menu, book page, comic, meme, logo, qr code,
black and white photo, vintage photo, landscape, cityscape, close-up, macro photo, aerial view, underwater,
night, indoor, outdoor, crowded, empty, colorful, minimalist, abstract, pattern, texture, reflection, silhouette,
shadow, light, neon lights, blurry photo, art, illustration, cartoon, anime, 3d render, sketch, watercolor
`
  .split(',')
  .map((label) => label.trim())
  .filter(Boolean);
